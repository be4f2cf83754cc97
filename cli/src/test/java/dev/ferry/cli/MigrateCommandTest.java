package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.proto.v1.Strategy;
import io.grpc.Status;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {
  private final CliHarness cli = new CliHarness();

  @AfterEach
  void stop() {
    cli.close();
  }

  private void scriptSuccess() {
    cli.fake.migrateAnswer = Scripts.planned("m-1");
    cli.fake.streams.put("m-1", Scripts.successfulRun("m-1"));
  }

  @Test
  void printsOneLinePerPhaseThenTheSummaryWhenNotATerminal() {
    scriptSuccess();

    var result = cli.run("--from", "node-a", "--to", "node-b", "ct42");

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .startsWith("migrating ct42 node-a -> node-b (migration m-1)\n")
        .contains("  preflight\n")
        .contains("  prepare-target  8.0 MiB / 32.0 MiB (25%)  64.0 MiB/s\n")
        .contains("  precopy round 1  128.0 MiB / 512.0 MiB (25%)\n")
        .contains("  precopy round 2  20.0 MiB / 40.0 MiB (50%)  80.0 MiB/s\n")
        .contains("  transfer  6.0 MiB / 8.0 MiB (75%)  120.0 MiB/s\n")
        .contains("ct42 moved node-a -> node-b (migration m-1)")
        .contains("strategy     precopy (requested auto): both nodes track dirty memory")
        .contains("blackout     212 ms")
        .contains("total time   4.8 s")
        .contains("on the wire  190.0 MiB (raw 560.0 MiB, ratio 2.95, zstd)")
        .contains("clock jumps  monotonic +0 ms, boottime +212 ms (policy suspend)")
        .contains("pre-copy     2 round(s), stopped: dirty set fits the downtime budget")
        .doesNotContain("\r");
    // One line per phase (or round): the second round-1 event did not print a second line.
    assertThat(result.out().lines().filter(l -> l.startsWith("  precopy round 1"))).hasSize(1);
  }

  @Test
  void redrawsTheProgressLineInPlaceOnATerminal() {
    scriptSuccess();

    var result = cli.run(true, "ct42");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("\r  precopy round 1  128.0 MiB / 512.0 MiB (25%)")
        .contains("\r  precopy round 1  384.0 MiB / 512.0 MiB (75%)  95.0 MiB/s")
        .contains("blackout     212 ms");
    // Everything between the header and the summary is one redrawn line.
    // (split on \n only: String.lines() would also split on the carriage returns.)
    assertThat(result.out().split("\n")).filteredOn(l -> l.contains("precopy round")).hasSize(1);
  }

  @Test
  void sendsEveryOptionToTheCoordinator() {
    scriptSuccess();

    cli.run("--from", "node-a", "--to", "node-b", "--strategy", "precopy", "--clock-policy", "freeze",
        "--downtime-budget", "300ms", "--priority", "7", "--drop-tcp", "--max-precopy-rounds", "4", "ct42");

    MigrateRequest sent = cli.fake.requests(MigrateRequest.class).getFirst();
    assertThat(sent.getContainerId()).isEqualTo("ct42");
    assertThat(sent.getSourceNode()).isEqualTo("node-a");
    assertThat(sent.getTargetNode()).isEqualTo("node-b");
    assertThat(sent.getStrategy()).isEqualTo(Strategy.STRATEGY_PRECOPY);
    assertThat(sent.getClockPolicy()).isEqualTo(ClockPolicy.CLOCK_POLICY_FREEZE);
    assertThat(Render.toJava(sent.getDowntimeBudget()).toMillis()).isEqualTo(300);
    assertThat(sent.getPriority()).isEqualTo(7);
    assertThat(sent.getDropTcpConnections()).isTrue();
    assertThat(sent.getMaxPrecopyRounds()).isEqualTo(4);
    assertThat(sent.getRequestId()).isNotBlank();
  }

  @Test
  void withoutTargetLeavesPlacementToTheCoordinator() {
    scriptSuccess();

    var result = cli.run("ct42");

    MigrateRequest sent = cli.fake.requests(MigrateRequest.class).getFirst();
    assertThat(sent.getTargetNode()).isEmpty();
    assertThat(sent.getStrategy()).isEqualTo(Strategy.STRATEGY_AUTO);
    assertThat(sent.getClockPolicy()).isEqualTo(ClockPolicy.CLOCK_POLICY_SUSPEND);
    assertThat(sent.hasDowntimeBudget()).isFalse();
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void jsonOutputIsTheFinalMigrationAsOneDocument() throws Exception {
    scriptSuccess();

    var result = cli.run("ct42", "--output", "json");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines()).hasSize(1);
    var parsed = Migration.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.getPhase()).isEqualTo(Phase.PHASE_DONE);
    assertThat(parsed.getStats().getBytesOnWire()).isEqualTo(190 * Scripts.MIB);
  }

  @Test
  void rolledBackMigrationExitsOneWithReasonCodeAndCriuLog() {
    cli.fake.migrateAnswer = Scripts.planned("m-2");
    cli.fake.streams.put("m-2", List.of(
        Scripts.event(Scripts.planned("m-2"), Phase.PHASE_FREEZE_AND_DUMP, Scripts.progress(0, 0, 0, 0)),
        Scripts.event(Scripts.planned("m-2"), Phase.PHASE_ROLLING_BACK, Scripts.progress(0, 0, 0, 0)),
        MigrationEvent.newBuilder().setMigration(Scripts.rolledBack("m-2")).build()));

    var result = cli.run("ct42");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("  rolling-back\n").contains("ct42 NOT moved (rolled-back) node-a -> node-b");
    assertThat(result.err())
        .contains("error: CRIU_DUMP_FAILED in freeze-and-dump on node-a: criu dump exited 1")
        .contains("criu log tail:\n    Error (criu/sk-unix.c:123)");
  }

  @Test
  void failedMigrationExitsOne() {
    cli.fake.migrateAnswer = Scripts.planned("m-3");
    cli.fake.streams.put("m-3", List.of(MigrationEvent.newBuilder()
        .setMigration(Scripts.planned("m-3").toBuilder().setPhase(Phase.PHASE_FAILED)).build()));

    var result = cli.run("ct42");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("error: migration m-3 ended failed");
  }

  @Test
  void refusalPrintsReasonCodeAndMessageWithoutStackTrace() {
    cli.fake.failure = FakeCoordinator.error(Status.Code.NOT_FOUND, ReasonCode.CONTAINER_NOT_FOUND,
        "container ct99 is not known to any node");

    var result = cli.run("ct99");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().strip())
        .isEqualTo("error: CONTAINER_NOT_FOUND: container ct99 is not known to any node [NOT_FOUND]");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void statusWithoutFerryErrorPrintsCodeAndDescription() {
    cli.fake.failure = Status.FAILED_PRECONDITION.withDescription("ct42 is already migrating (m-9)").asRuntimeException();

    var result = cli.run("ct42");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().strip()).isEqualTo("error: FAILED_PRECONDITION: ct42 is already migrating (m-9)");
  }

  @Test
  void unreachableCoordinatorExitsThree() throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    var result = cli.run(false, ChannelFactory.network(), "--insecure", "--coordinator", "127.0.0.1:" + closedPort, "ct42");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .startsWith("error: coordinator unreachable at 127.0.0.1:" + closedPort)
        .contains("FERRY_COORDINATOR")
        .doesNotContain("\tat ");
  }

  @Test
  void reconnectsWhenTheProgressStreamDrops() {
    scriptSuccess();
    cli.fake.watchFailures.add(Status.UNAVAILABLE.withDescription("coordinator restarting").asRuntimeException());

    var result = cli.run("ct42");

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).contains("coordinator unavailable, reconnecting (1/6)");
    assertThat(cli.sleeps).containsExactly(MigrationFollower.backoff(1));
    assertThat(cli.fake.watchCalls).isEqualTo(2);
  }

  @Test
  void detachPrintsTheIdAndDoesNotWatch() {
    scriptSuccess();

    var result = cli.run("--detach", "ct42");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("m-1\n");
    assertThat(cli.fake.watchCalls).isZero();
  }

  @Test
  void detachWithJsonPrintsTheAcceptedMigration() throws Exception {
    scriptSuccess();

    var result = cli.run("--detach", "-o", "json", "ct42");

    var parsed = Migration.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.getMigrationId()).isEqualTo("m-1");
    assertThat(parsed.getPhase()).isEqualTo(Phase.PHASE_PLAN);
  }

  @Test
  void badInputIsRejectedLocallyWithExitTwo() {
    List<List<String>> cases = new ArrayList<>();
    cases.add(List.of("--strategy", "teleport", "ct42"));
    cases.add(List.of("--clock-policy", "sundial", "ct42"));
    cases.add(List.of("--downtime-budget", "soon", "ct42"));
    cases.add(List.of("--output", "yaml", "ct42"));
    cases.add(List.of("--from", "node-a", "--to", "node-a", "ct42"));
    cases.add(List.of());
    cases.add(List.of("--frobnicate", "ct42"));
    for (List<String> args : cases) {
      var result = cli.run(args.toArray(String[]::new));
      assertThat(result.exitCode()).as("exit code of %s", args).isEqualTo(2);
      assertThat(result.err()).as("stderr of %s", args).isNotBlank().doesNotContain("\tat ");
    }
    assertThat(cli.fake.requests).isEmpty();
  }

  @Test
  void unknownStrategyNamesTheChoices() {
    var result = cli.run("--strategy", "teleport", "ct42");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--strategy").contains("teleport").contains("PRECOPY");
  }

  @Test
  void strategyIsCaseInsensitive() {
    scriptSuccess();

    assertThat(cli.run("--strategy", "STOPCOPY", "ct42").exitCode()).isZero();
    assertThat(cli.fake.requests(MigrateRequest.class).getFirst().getStrategy()).isEqualTo(Strategy.STRATEGY_STOPCOPY);
  }

  @Test
  void helpDocumentsTheExitCodes() {
    var result = cli.run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("Exit codes:")
        .contains("3   coordinator unreachable")
        .contains("--downtime-budget")
        .contains("drain");
  }
}
