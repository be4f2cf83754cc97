package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.ferry.proto.v1.CancelMigrationRequest;
import dev.ferry.proto.v1.Capabilities;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.DrainRequest;
import dev.ferry.proto.v1.DrainResult;
import dev.ferry.proto.v1.Evacuation;
import dev.ferry.proto.v1.EvacuationItem;
import dev.ferry.proto.v1.Feature;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.ListClusterContainersRequest;
import dev.ferry.proto.v1.ListNodesResponse;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import dev.ferry.proto.v1.Node;
import dev.ferry.proto.v1.NodeStatus;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PhaseTransition;
import dev.ferry.proto.v1.ReasonCode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubcommandsTest {
  private final CliHarness cli = new CliHarness();

  @AfterEach
  void stop() {
    cli.close();
  }

  @Test
  void statusShowsPhaseStrategyStatsAndHistory() {
    cli.fake.migrations.put("m-1", Scripts.done("m-1").toBuilder()
        .addHistory(PhaseTransition.newBuilder().setFrom(Phase.PHASE_VERIFY).setTo(Phase.PHASE_COMMIT)
            .setEvent("verified").setDetail("clocks sane"))
        .build());

    var result = cli.run("status", "m-1");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("ct42 moved node-a -> node-b (migration m-1)")
        .contains("phase        done")
        .contains("blackout     212 ms")
        .contains("clock policy suspend")
        .contains("verify -> commit  verified: clocks sane");
  }

  @Test
  void statusOfAnUnknownIdExitsOneWithTheCoordinatorsReason() {
    var result = cli.run("status", "m-404");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("no migration m-404").contains("[NOT_FOUND]");
  }

  @Test
  void statusJsonParses() throws Exception {
    cli.fake.migrations.put("m-1", Scripts.rolledBack("m-1"));

    var result = cli.run("status", "m-1", "--output", "json");

    var parsed = Migration.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.getError().getReason()).isEqualTo(ReasonCode.CRIU_DUMP_FAILED);
  }

  @Test
  void watchOneMigrationPrintsJsonLinesAndExitsByOutcome() throws Exception {
    cli.fake.migrations.put("m-1", Scripts.planned("m-1"));
    cli.fake.streams.put("m-1", Scripts.successfulRun("m-1"));

    var result = cli.run("watch", "m-1", "-o", "json");

    assertThat(result.exitCode()).isZero();
    var lines = result.out().lines().toList();
    assertThat(lines).hasSize(Scripts.successfulRun("m-1").size());
    for (String line : lines) {
      var event = MigrationEvent.newBuilder();
      JsonFormat.parser().merge(line, event);
      assertThat(event.getMigration().getMigrationId()).isEqualTo("m-1");
    }
  }

  @Test
  void watchOfARolledBackMigrationExitsOne() {
    cli.fake.migrations.put("m-2", Scripts.planned("m-2"));
    cli.fake.streams.put("m-2", java.util.List.of(MigrationEvent.newBuilder().setMigration(Scripts.rolledBack("m-2")).build()));

    var result = cli.run("watch", "m-2");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("CRIU_DUMP_FAILED");
  }

  @Test
  void watchAllPrintsOneLinePerEvent() {
    cli.fake.streams.put("", Scripts.successfulRun("m-1").subList(0, 3));

    var result = cli.run("watch");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().toList()).containsExactly(
        "2025-10-09T08:53:21Z  m-1  ct42  node-a -> node-b  plan",
        "2025-10-09T08:53:21Z  m-1  ct42  node-a -> node-b  preflight",
        "2025-10-09T08:53:21Z  m-1  ct42  node-a -> node-b  prepare-target  8.0 MiB / 32.0 MiB (25%)  64.0 MiB/s");
  }

  @Test
  void cancelSendsTheReasonAndPrintsTheNewPhase() {
    cli.fake.migrations.put("m-1", Scripts.planned("m-1").toBuilder().setPhase(Phase.PHASE_ROLLING_BACK).build());

    var result = cli.run("cancel", "m-1", "--reason", "maintenance window closed");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("cancel requested for m-1 (ct42 node-a -> node-b): now rolling-back\n");
    assertThat(cli.fake.requests(CancelMigrationRequest.class).getFirst().getReason()).isEqualTo("maintenance window closed");
  }

  private static EvacuationItem item(String container, String target, Phase phase) {
    return EvacuationItem.newBuilder().setContainerId(container).setTargetNode(target).setPhase(phase)
        .setMigrationId("m-" + container).build();
  }

  @Test
  void evacuatePrintsPerContainerProgressAndExitsZeroWhenAllMoved() {
    Evacuation step = Evacuation.newBuilder().setEvacuationId("e-1").setNode("node-a")
        .addItems(item("ct1", "node-b", Phase.PHASE_PRECOPY))
        .addItems(item("ct2", "node-c", Phase.PHASE_QUEUED))
        .build();
    cli.fake.evacuationSteps.add(step);
    cli.fake.evacuationSteps.add(step.toBuilder().setItems(0, item("ct1", "node-b", Phase.PHASE_DONE)).build());
    cli.fake.evacuationSteps.add(step.toBuilder().setFinished(true)
        .setItems(0, item("ct1", "node-b", Phase.PHASE_DONE))
        .setItems(1, item("ct2", "node-c", Phase.PHASE_DONE)).build());

    var result = cli.run("evacuate", "node-a", "--poll-interval", "2s");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("evacuating node-a (evacuation e-1, 2 containers)")
        .contains("  ct1  -> node-b  precopy  (m-ct1)\n")
        .contains("  ct2  -> node-c  queued  (m-ct2)\n")
        .contains("  ct1  -> node-b  done  (m-ct1)\n")
        .contains("node-a: 2 moved, 0 not moved");
    // An unchanged container is not printed again.
    assertThat(result.out().lines().filter(l -> l.equals("  ct2  -> node-c  queued  (m-ct2)"))).hasSize(1);
    assertThat(cli.sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void evacuateExitsOneAndSaysWhyWhenAContainerCouldNotMove() {
    cli.fake.evacuationSteps.add(Evacuation.newBuilder().setEvacuationId("e-2").setNode("node-a").setFinished(true)
        .addItems(item("ct1", "node-b", Phase.PHASE_DONE))
        .addItems(item("ct2", "", Phase.PHASE_FAILED).toBuilder().setError(FerryError.newBuilder()
            .setReason(ReasonCode.NOT_CHECKPOINTABLE).setMessage("external unix socket /run/x.sock")))
        .build());

    var result = cli.run("evacuate", "node-a");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("node-a: 1 moved, 1 not moved")
        .contains("NOT_CHECKPOINTABLE: external unix socket /run/x.sock");
  }

  @Test
  void evacuateDetachPrintsTheId() {
    cli.fake.evacuationSteps.add(Evacuation.newBuilder().setEvacuationId("e-3").build());

    var result = cli.run("evacuate", "node-a", "--detach");

    assertThat(result.out()).isEqualTo("e-3\n");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void drainReportsWhatMovedAndWhatCouldNot() {
    cli.fake.drainAnswer = DrainResult.newBuilder().setNode("node-a").setComplete(false)
        .addMoved(item("ct1", "node-b", Phase.PHASE_DONE))
        .addNotMoved(item("ct2", "", Phase.PHASE_ROLLED_BACK).toBuilder().setError(FerryError.newBuilder()
            .setReason(ReasonCode.INSUFFICIENT_RESOURCES).setMessage("no ready node has 2.0 GiB free")))
        .setElapsed(Scripts.millis(95_000))
        .build();

    var result = cli.run("drain", "node-a", "--timeout", "2m");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("draining node-a (cordoned; waiting up to 2m00s)")
        .contains("node-a NOT fully drained in 1m35s: 1 moved, 1 not moved")
        .contains("moved:\nCONTAINER")
        .contains("INSUFFICIENT_RESOURCES: no ready node has 2.0 GiB free");
    assertThat(Render.toJava(cli.fake.requests(DrainRequest.class).getFirst().getTimeout())).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void completeDrainExitsZeroAndDefaultsToTenMinutes() {
    cli.fake.drainAnswer = DrainResult.newBuilder().setNode("node-a").setComplete(true)
        .addMoved(item("ct1", "node-b", Phase.PHASE_DONE)).build();

    var result = cli.run("drain", "node-a");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("node-a drained in 0 ms: 1 moved, 0 not moved");
    assertThat(Render.toJava(cli.fake.requests(DrainRequest.class).getFirst().getTimeout())).isEqualTo(Duration.ofMinutes(10));
  }

  private static Node node(String name, boolean cordoned) {
    return Node.newBuilder().setName(name).setStatus(NodeStatus.NODE_STATUS_READY).setCordoned(cordoned)
        .setContainers(3).setMigrationsIn(1).setMigrationsOut(2)
        .setCapabilities(Capabilities.newBuilder()
            .setMemoryAvailableBytes(12L * 1024 * 1024 * 1024 + 300L * 1024 * 1024)
            .setCheckpointRestore(Feature.newBuilder().setAvailable(true))
            .setLazyPages(Feature.newBuilder().setAvailable(true))
            .setDirtyTracking(Feature.newBuilder().setAvailable(false).setReason("no soft-dirty")))
        .build();
  }

  @Test
  void nodesPrintsATable() {
    cli.fake.nodes.add(node("node-a", true));
    cli.fake.nodes.add(node("node-b", false).toBuilder().setStatus(NodeStatus.NODE_STATUS_NOT_READY).build());

    var result = cli.run("nodes");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().toList()).containsExactly(
        "NAME    STATUS     CORDONED  CONTAINERS  IN/OUT  FREE MEMORY  FEATURES",
        "node-a  ready      yes       3           1/2     12.3 GiB     checkpoint,lazy-pages",
        "node-b  not-ready  no        3           1/2     12.3 GiB     checkpoint,lazy-pages");
  }

  @Test
  void globalOptionsWorkBeforeOrAfterTheSubcommand() throws Exception {
    cli.fake.nodes.add(node("node-a", false));

    for (var args : java.util.List.of(new String[] {"--output", "json", "nodes"}, new String[] {"nodes", "--output", "json"})) {
      var result = cli.run(args);
      var parsed = ListNodesResponse.newBuilder();
      JsonFormat.parser().merge(result.out(), parsed);
      assertThat(parsed.getNodes(0).getName()).isEqualTo("node-a");
    }
  }

  @Test
  void uncordonPrintsTheNode() {
    cli.fake.nodes.add(node("node-a", true));

    var result = cli.run("uncordon", "node-a");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("node node-a uncordoned (ready)\n");
  }

  @Test
  void containersFiltersByNode() {
    cli.fake.containers.add(ContainerInfo.newBuilder().setContainerId("ct1").setNode("node-a")
        .setState(ContainerState.CONTAINER_STATE_RUNNING).setPid(4242).setRssBytes(64L * 1024 * 1024)
        .setAddress("198.18.0.10").build());
    cli.fake.containers.add(ContainerInfo.newBuilder().setContainerId("ct2").setNode("node-b")
        .setState(ContainerState.CONTAINER_STATE_CHECKPOINTED).build());

    var result = cli.run("containers", "--node", "node-a");

    assertThat(result.exitCode()).isZero();
    assertThat(cli.fake.requests(ListClusterContainersRequest.class).getFirst().getNode()).isEqualTo("node-a");
    assertThat(result.out().lines().toList()).containsExactly(
        "CONTAINER  NODE    STATE    PID   MEMORY    ADDRESS      CREATED",
        "ct1        node-a  running  4242  64.0 MiB  198.18.0.10  -");
  }

  @Test
  void subcommandUsageErrorsExitTwo() {
    assertThat(cli.run("status").exitCode()).isEqualTo(2);
    assertThat(cli.run("drain", "node-a", "--timeout", "forever").exitCode()).isEqualTo(2);
    assertThat(cli.run("evacuate", "node-a", "--strategy", "warp").exitCode()).isEqualTo(2);
    assertThat(cli.fake.requests).isEmpty();
  }

  @Test
  void everySubcommandHelpDocumentsTheExitCodes() {
    for (String sub : new String[] {"status", "watch", "cancel", "evacuate", "drain", "uncordon", "nodes", "containers"}) {
      var result = cli.run(sub, "--help");
      assertThat(result.exitCode()).as(sub).isZero();
      assertThat(result.out()).as(sub).contains("Exit codes:").contains("3   coordinator unreachable");
    }
  }
}
