package dev.ferry.timesync.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.proto.v1.ClockGrpc;
import dev.ferry.proto.v1.ProbeRequest;
import dev.ferry.timesync.ClockOffset;
import dev.ferry.timesync.ClockProbeException;
import dev.ferry.timesync.Ticker;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real gRPC (in-process transport), real clocks; the responder's clocks are skewed by known amounts. */
class ClockServiceTest {
  private static final Duration REAL_SKEW = Duration.ofMillis(-1_234);
  private static final long MONO_SKEW = 5 * 86_400_000_000_000L;

  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void shutdown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void measuresAResponderWhoseClocksAreSkewedWithinTheErrorBound() throws IOException {
    InstantSource skewed = InstantSource.offset(InstantSource.system(), REAL_SKEW);
    Ticker bootedEarlier = () -> System.nanoTime() + MONO_SKEW;
    start(new ClockService("nodeB", skewed, bootedEarlier));

    ClockOffset offset = new ClockProber(channel, InstantSource.system(), Ticker.SYSTEM).probe(16, Duration.ofSeconds(5));

    assertThat(offset.probes()).isEqualTo(16);
    assertThat(offset.errorBound()).isLessThan(Duration.ofMillis(50));
    assertThat(offset.realtime().minus(REAL_SKEW).abs())
        .as("measured %s, bound %s", offset.realtime(), offset.errorBound())
        .isLessThanOrEqualTo(offset.errorBound().plus(Duration.ofMillis(1))); // InstantSource.system() ticks in µs
    assertThat(Math.abs(offset.monotonic().toNanos() - MONO_SKEW)).isLessThanOrEqualTo(offset.errorBound().toNanos());
    assertThat(offset.skew()).isCloseTo(Duration.ofMillis(1_234), Duration.ofMillis(50));
  }

  @Test
  void refusesARequestWithoutACallerTimestamp() throws IOException {
    start(new ClockService("nodeB", InstantSource.system(), Ticker.SYSTEM));

    assertThatThrownBy(() -> ClockGrpc.newBlockingStub(channel).probe(ProbeRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("t1_nanos must be the caller's CLOCK_REALTIME");
  }

  @Test
  void anUnreachableResponderIsARetryableFailure() throws IOException, InterruptedException {
    start(new ClockService("nodeB", InstantSource.system(), Ticker.SYSTEM));
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    assertThatThrownBy(() -> new ClockProber(channel, InstantSource.system(), Ticker.SYSTEM).probe(3, Duration.ofSeconds(1)))
        .isInstanceOfSatisfying(ClockProbeException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("UNAVAILABLE");
  }

  private void start(ClockService service) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }
}
