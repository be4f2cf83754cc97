package dev.ferry.coordinator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.agent.AgentClient.MigrationRef;
import dev.ferry.coordinator.fsm.Event;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.MigrationMachine;
import dev.ferry.coordinator.fsm.MigrationSpec;
import dev.ferry.coordinator.fsm.Phase;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.fsm.StrategyChooser;
import dev.ferry.coordinator.grpc.ApiMapper;
import dev.ferry.coordinator.grpc.GrpcAgentClient;
import dev.ferry.coordinator.testkit.FakeAgents;
import dev.ferry.timesync.SkewGuard;
import dev.ferry.timesync.Ticker;
import dev.ferry.timesync.grpc.ClockService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Preflight's skew guard against real ferry.v1.Clock servers on loopback: each node's Clock
 * service reads an injected wall clock, offset as a badly synchronised host's would be. Only the
 * NodeAgent calls (capabilities, inspect) are fakes; the probing and the decision are the
 * coordinator's production code.
 */
class PreflightClockSkewTest {
  private static final Duration BOUND = Duration.ofMillis(100);
  private static final MigrationRef REF = new MigrationRef("m-skew", 1);

  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anInjectedSkewAboveTheBoundRefusesTheMigrationWithAClearError() throws IOException {
    FakeAgents agents = nodesWithWallClocks(Duration.ZERO, Duration.ofMillis(-750));
    CommandRunner runner = new CommandRunner(agents, StrategyChooser.DEFAULT, new SkewGuard(BOUND, SkewGuard.Mode.REFUSE));

    Migration m = preflight(runner, agents);

    assertThat(m.phase()).isInstanceOf(Phase.Failed.class);
    assertThat(m.failure().reason()).isEqualTo(Reason.CLOCK_SKEW_TOO_LARGE);
    String message = m.failure().message();
    System.out.println("[skew-guard] refused: " + message);
    assertThat(message).contains("target node-b vs source node-a", "responder behind", "bound of 100.000 ms");
    assertThat(measuredMillis(message)).isCloseTo(750.0, org.assertj.core.data.Offset.offset(20.0));
    assertThat(message).containsPattern("± \\d+\\.\\d{3} ms");
    var error = ApiMapper.migration(m).getError();
    assertThat(error.getReason()).isEqualTo(dev.ferry.proto.v1.ReasonCode.CLOCK_SKEW_TOO_LARGE);
    assertThat(error.getMessage()).contains("bound of 100.000 ms");
    assertThat(agents.calls).doesNotContain("node-b:PrepareRestore").doesNotContain("node-a:Dump");
  }

  @Test
  void inWarnModeTheSameSkewPassesAndIsRecorded() throws IOException {
    FakeAgents agents = nodesWithWallClocks(Duration.ZERO, Duration.ofMillis(-750));
    CommandRunner runner = new CommandRunner(agents, StrategyChooser.DEFAULT, new SkewGuard(BOUND, SkewGuard.Mode.WARN));

    Migration m = preflight(runner, agents);

    assertThat(m.phase()).isInstanceOf(Phase.PrepareTarget.class);
    assertThat(m.stats().clockSkew().realtime().toMillis()).isBetween(-770L, -730L);
    assertThat(m.stats().clockSkew().warning()).contains("bound of 100.000 ms");
    assertThat(ApiMapper.migration(m).getStats().getRealtimeSkewMs()).isBetween(-770.0, -730.0);
  }

  @Test
  void nodesWhoseClocksAgreePassWithASmallMeasuredSkewInTheRecord() throws IOException {
    // Both nodes 3 s ahead of the coordinator: only the difference between them counts.
    FakeAgents agents = nodesWithWallClocks(Duration.ofSeconds(3), Duration.ofSeconds(3));
    CommandRunner runner = new CommandRunner(agents, StrategyChooser.DEFAULT, new SkewGuard(BOUND, SkewGuard.Mode.REFUSE));

    Migration m = preflight(runner, agents);

    assertThat(m.phase()).isInstanceOf(Phase.PrepareTarget.class);
    var skew = m.stats().clockSkew();
    System.out.printf("[skew-guard] agreeing clocks: measured %.3f ms ± %.3f ms%n", skew.realtime().toNanos() / 1e6,
        skew.errorBound().toNanos() / 1e6);
    assertThat(skew.realtime().abs()).isLessThanOrEqualTo(skew.errorBound().plus(Duration.ofMillis(1)));
    assertThat(skew.warning()).isEmpty();
  }

  /** node-a and node-b serve real Clock services whose wall clocks are offset from this host's. */
  private FakeAgents nodesWithWallClocks(Duration sourceAhead, Duration targetAhead) throws IOException {
    FakeAgents agents = new FakeAgents().container("node-a", "ct1").node("node-b");
    agents.clock("node-a", clockOf("node-a", sourceAhead)::clockOffset);
    agents.clock("node-b", clockOf("node-b", targetAhead)::clockOffset);
    return agents;
  }

  private GrpcAgentClient clockOf(String node, Duration ahead) {
    try {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new ClockService(node, InstantSource.offset(InstantSource.system(), ahead), Ticker.SYSTEM))
          .build().start();
      servers.add(server);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      channels.add(channel);
      return new GrpcAgentClient(node, channel);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Migration preflight(CommandRunner runner, FakeAgents agents) {
    MigrationMachine machine = MigrationMachine.defaults();
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    Migration m = Migration.queued(REF.migrationId(), MigrationSpec.of("ct1", "node-a", "node-b"), t0);
    m = machine.transition(m, new Event.Admitted("node-b", "test"), t0).next();
    m = machine.transition(m, new Event.Started(), t0).next();
    Event outcome = runner.run(MigrationMachine.stepCommands(m), REF, e -> { });
    return machine.transition(m, outcome, t0).next();
  }

  private static double measuredMillis(String message) {
    var matcher = java.util.regex.Pattern.compile("is (\\d+\\.\\d{3}) ms").matcher(message);
    assertThat(matcher.find()).as("a measured skew in: %s", message).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
