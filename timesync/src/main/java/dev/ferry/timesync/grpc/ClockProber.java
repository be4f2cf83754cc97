package dev.ferry.timesync.grpc;

import dev.ferry.proto.v1.ClockGrpc;
import dev.ferry.proto.v1.ProbeResponse;
import dev.ferry.timesync.ClockOffset;
import dev.ferry.timesync.ClockProbe;
import dev.ferry.timesync.ClockProbeException;
import dev.ferry.timesync.ProbeSample;
import dev.ferry.timesync.Ticker;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** The caller half of ferry.v1.Clock: N sequential probes, the best of them by round trip. */
public final class ClockProber {
  private final ClockGrpc.ClockBlockingStub stub;
  private final InstantSource wallClock;
  private final Ticker ticker;

  public ClockProber(Channel channel, InstantSource wallClock, Ticker ticker) {
    this.stub = ClockGrpc.newBlockingStub(Objects.requireNonNull(channel, "channel"));
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * The responder's clocks relative to this node's.
   *
   * @param probes   how many exchanges (the first one also warms up the connection)
   * @param deadline for each exchange
   * @throws ClockProbeException if any exchange fails
   */
  public ClockOffset probe(int probes, Duration deadline) {
    if (probes < 1) {
      throw new IllegalArgumentException("probes must be at least 1, got " + probes);
    }
    List<ProbeSample> samples = new ArrayList<>(probes);
    for (int i = 0; i < probes; i++) {
      samples.add(once(deadline));
    }
    return ClockProbe.best(samples);
  }

  private ProbeSample once(Duration deadline) {
    var call = stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    long t1 = ClockProtoMapper.nanos(wallClock.instant());
    long sent = ticker.read();
    try {
      ProbeResponse r = call.probe(ClockProtoMapper.request(t1));
      long received = ticker.read();
      if (r.getT1Nanos() != t1) {
        throw new ClockProbeException("clock probe answered another request: sent t1 " + t1 + ", got " + r.getT1Nanos(), false, null);
      }
      return ClockProtoMapper.sample(r, sent, received);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      boolean retryable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
      throw new ClockProbeException("clock probe failed: " + code + ": " + e.getStatus().getDescription(), retryable, e);
    }
  }
}
