package dev.ferry.timesync.grpc;

import dev.ferry.proto.v1.ClockGrpc;
import dev.ferry.proto.v1.ProbeRequest;
import dev.ferry.proto.v1.ProbeResponse;
import dev.ferry.timesync.Ticker;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.InstantSource;
import java.util.Objects;

/** The responder half of ferry.v1.Clock: stamps receipt and reply with this node's clocks. */
public final class ClockService extends ClockGrpc.ClockImplBase {
  private final String node;
  private final InstantSource wallClock;
  private final Ticker ticker;

  public ClockService(String node, InstantSource wallClock, Ticker ticker) {
    this.node = Objects.requireNonNull(node, "node");
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  @Override
  public void probe(ProbeRequest request, StreamObserver<ProbeResponse> reply) {
    long t2 = ClockProtoMapper.nanos(wallClock.instant());
    if (request.getT1Nanos() <= 0) {
      reply.onError(Status.INVALID_ARGUMENT
          .withDescription("t1_nanos must be the caller's CLOCK_REALTIME in nanoseconds since the epoch, got "
              + request.getT1Nanos())
          .asRuntimeException());
      return;
    }
    // Monotonic first, then realtime: the two stamps of the reply sit as close together as possible.
    long monotonic = ticker.read();
    long t3 = ClockProtoMapper.nanos(wallClock.instant());
    reply.onNext(ClockProtoMapper.response(node, request.getT1Nanos(), t2, t3, monotonic));
    reply.onCompleted();
  }
}
