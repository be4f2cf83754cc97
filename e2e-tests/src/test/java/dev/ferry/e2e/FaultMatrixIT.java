package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.scenario.CliMigration;
import dev.ferry.e2e.scenario.CorruptingProxy;
import dev.ferry.e2e.scenario.FaultTable;
import dev.ferry.e2e.scenario.Invariants;
import dev.ferry.e2e.scenario.Migrations;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.Strategy;
import dev.ferry.testkit.Timing;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix on one shared cluster: each scenario starts a real migration, waits for a
 * phase, injects one fault, lets the system finish or roll back, puts the cluster back, and
 * checks the invariants. Each scenario's line goes to the fault table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {
  private static final int MIB = 48;
  /** Slow enough that a 48 MiB dump (about 20 MiB compressed) takes several seconds to cross. */
  private static final String SLOW_LINK = "24mbit";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static LocalCluster cluster;
  static CliMigration workloads;
  static Migrations migrations;
  static Invariants invariants;
  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = SuiteCluster.start(dir);
    workloads = new CliMigration(cluster);
    migrations = new Migrations(cluster);
    invariants = new Invariants(cluster);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void cleanUp() {
    SuiteCluster.heal(cluster);
    containers.forEach(c -> SuiteCluster.remove(cluster, c));
  }

  private String workload(String id, String node) {
    containers.add(id);
    workloads.createWorkload(node, id, MIB);
    return id;
  }

  private Invariants.Outcome finishAndCheck(String scenario, String containerId, String migrationId) {
    migrations.awaitFinished(migrationId, SuiteCluster.migrationTimeout());
    SuiteCluster.heal(cluster);
    Invariants.Outcome o = invariants.check(containerId, migrationId);
    FaultTable.add(scenario, o);
    return o;
  }

  @Test
  @Order(1)
  void corruptedChunkInTransitIsCaught() throws Exception {
    String ct = workload("fx-corrupt", "nodeA");
    var target = cluster.network().host("nodeB");
    var source = cluster.network().host("nodeA");
    String ns = cluster.network().inNamespace("nodeA").getFirst();
    // The source's connections to the target's agent go through a proxy on the bridge that flips one byte.
    try (CorruptingProxy proxy = new CorruptingProxy(cluster.network().bridgeAddress(), 17071,
        new InetSocketAddress(target.address(), 7071), 2L << 20)) {
      List<String> dnat = List.of("iptables", "-t", "nat", "OUTPUT", "-p", "tcp", "-d", target.address(), "--dport", "7071",
          "-j", "DNAT", "--to-destination", cluster.network().bridgeAddress() + ":17071");
      SuiteCluster.run(cluster, iptables(source, "-A", dnat));
      try {
        String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
        migrations.awaitFinished(id, SuiteCluster.migrationTimeout());
        assertThat(proxy.flipped()).as("the proxy corrupted a chunk").isTrue();
        var o = finishAndCheck("corrupted chunk in transit (1 byte flipped)", ct, id);
        if (o.migration().getPhase() != Phase.PHASE_DONE) {
          assertThat(o.migration().getError().getReason().name()).isIn("IMAGE_CHECKSUM_MISMATCH", "TRANSFER_FAILED");
        }
      } finally {
        SuiteCluster.run(cluster, iptables(source, "-D", dnat));
      }
    }
  }

  private static String[] iptables(dev.ferry.e2e.cluster.NetworkTopology.Host host, String op, List<String> rule) {
    List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + host.namespace(), "--"));
    argv.addAll(rule.subList(0, 3));
    argv.add(op);
    argv.addAll(rule.subList(3, rule.size()));
    return argv.toArray(String[]::new);
  }

  @Test
  @Order(2)
  void targetAgentKilledDuringTransfer() {
    String ct = workload("fx-tkill", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    cluster.killAgent("nodeB");
    sleep(Duration.ofSeconds(3)); // the supervisor's restart delay
    cluster.agent("nodeB").start();
    finishAndCheck("target agent killed during transfer", ct, id);
  }

  @Test
  @Order(3)
  void sourceAgentKilledAfterDump() {
    String ct = workload("fx-skill", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    cluster.killAgent("nodeA");
    sleep(Duration.ofSeconds(3));
    cluster.agent("nodeA").start();
    finishAndCheck("source agent killed after dump (in transfer)", ct, id);
  }

  @Test
  @Order(4)
  void coordinatorKilledDuringTransfer() {
    String ct = workload("fx-ckill-t", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    cluster.killCoordinator();
    cluster.startCoordinator(Timing.seconds(60));
    finishAndCheck("coordinator killed in TRANSFER, new one started", ct, id);
  }

  @Test
  @Order(5)
  void coordinatorKilledDuringRestore() {
    String ct = workload("fx-ckill-r", "nodeA");
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_RESTORE, Timing.seconds(60));
    cluster.killCoordinator();
    cluster.startCoordinator(Timing.seconds(60));
    finishAndCheck("coordinator killed in RESTORE, new one started", ct, id);
  }

  @Test
  @Order(6)
  void linkCutMidTransfer() {
    String ct = workload("fx-cut", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    cluster.network().cut("nodeB");
    sleep(Duration.ofSeconds(8));
    cluster.network().heal("nodeB");
    finishAndCheck("link to target cut 8 s mid-transfer", ct, id);
  }

  @Test
  @Order(7)
  void etcdRestartedMidMigration() {
    String ct = workload("fx-etcd", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    cluster.restartEtcd(Timing.seconds(30));
    finishAndCheck("etcd restarted mid-transfer", ct, id);
  }

  @Test
  @Order(8)
  void targetDiskFull() {
    String ct = workload("fx-disk", "nodeA");
    Path containersDir = cluster.agent("nodeC").stateDir().resolve("containers");
    SuiteCluster.run(cluster, "mkdir", "-p", containersDir.toString());
    SuiteCluster.run(cluster, "mount", "-t", "tmpfs", "-o", "size=8m", "ferry-e2e-full", containersDir.toString());
    try {
      String id = migrations.start(ct, "nodeA", "nodeC", Strategy.STRATEGY_STOPCOPY);
      var o = finishAndCheck("target disk full (8 MiB tmpfs)", ct, id);
      assertThat(o.migration().getPhase()).isNotEqualTo(Phase.PHASE_DONE);
    } finally {
      SuiteCluster.run(cluster, "umount", "-l", containersDir.toString());
    }
  }

  @Test
  @Order(9)
  void sourceKilledDuringPostCopy() {
    // Post-copy's known risk: the target runs before its memory arrived and pulls the pages from
    // the source's page server. Kill the source agent and its page server while pages still
    // flow (a slow link keeps them flowing): neither side has the whole memory any more.
    String ct = workload("fx-lazy", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_POSTCOPY);
    migrations.awaitPhase(id, Phase.PHASE_RESTORE, Timing.seconds(60));
    cluster.agent("nodeA").killWithChildren();
    sleep(Duration.ofSeconds(3));
    cluster.agent("nodeA").start();
    var m = migrations.awaitFinished(id, SuiteCluster.migrationTimeout());
    SuiteCluster.heal(cluster);
    List<String> running = invariants.runningCopies(ct);
    // At most one copy, always; and the record must say what happened.
    assertThat(running).hasSizeLessThanOrEqualTo(1);
    if (m.getPhase() != Phase.PHASE_DONE) {
      assertThat(m.getError().getReason()).isNotEqualTo(dev.ferry.proto.v1.ReasonCode.REASON_CODE_UNSPECIFIED);
    }
    String alive = running.isEmpty() ? "no copy runs (lost: post-copy's risk)" : progressing(running.getFirst(), ct, id);
    FaultTable.add("source killed during post-copy (agent + page server)",
        m.getPhase().name().substring(6) + " " + m.getError().getReason() + "; " + alive, "-", "-", 0);
  }

  /** Whether the one running copy's workload still makes progress and kept its memory. */
  private static String progressing(String node, String ct, String id) {
    try {
      invariants.check(ct, id);
      return "runs on " + node + ", intact";
    } catch (AssertionError e) {
      return "RUNNING on " + node + " but broken: " + e.getMessage().lines().skip(1).findFirst().orElse("").strip();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
