package dev.ferry.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ferry.e2e.scenario.CliMigration;
import dev.ferry.e2e.scenario.Invariants;
import dev.ferry.e2e.scenario.Migrations;
import dev.ferry.process.ProcessSpec;
import dev.ferry.proto.v1.DeleteContainerRequest;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.Strategy;
import dev.ferry.testkit.Timing;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Coordinator high availability for real: three etcd members and two coordinators in containers
 * (Testcontainers, images from deploy/images/build.sh), real agents with real crun and CRIU on the
 * host. Kills the leading coordinator mid-migration, takes etcd members away one and two at a time
 * (a migration in flight holds while quorum is lost and finishes when it returns), cuts the leader
 * from etcd, and freezes the leader with a command on the wire to see the agent refuse its stale
 * epoch; checks every migration ends with exactly one intact copy running. Prints the takeover,
 * hold and refusal times for the note.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinatorFailoverIT {
  private static final List<String> NODES = List.of("nodeA", "nodeB");
  private static final int MIB = 48;
  private static final int HOLD_MIB = 256;
  /** Slow enough that a 48 MiB dump takes several seconds to cross: the kill lands mid-transfer. */
  private static final String SLOW_LINK = "24mbit";
  /** The coordinators' election lease (CoordinatorRuntime): a dead leader's key expires after it. */
  private static final Duration ELECTION_TTL = Duration.ofSeconds(5);
  /** Long enough for every coordinator to let go of leadership (twice the election lease). */
  private static final Duration QUORUM_LOST_FOR = Duration.ofSeconds(10);

  /** Images of this worktree's build; another tag (-Dferry.ha.image.tag) keeps parallel suites' images apart. */
  private static final String IMAGE_TAG = System.getProperty("ferry.ha.image.tag", "dev");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static HaCluster cluster;
  static CliMigration workloads;
  static Migrations migrations;
  static Invariants invariants;
  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void start() {
    Path repo = Path.of("").toAbsolutePath().getParent();
    cluster = null;
    var runner = new dev.ferry.process.SystemProcessRunner();
    System.out.println(runner.run(ProcessSpec.of("bash", repo.resolve("deploy/images/build.sh").toString(),
        repo.resolve("dist/target/ferry").toString()).withEnv(java.util.Map.of("FERRY_IMAGE_TAG", IMAGE_TAG))
        .withTimeout(Duration.ofMinutes(5))).orThrow().stdout().strip());
    cluster = HaCluster.start(dir, NODES, System.getProperty("ferry.e2e.prefix", "fh"),
        Integer.getInteger("ferry.e2e.subnet", 8), IMAGE_TAG, Timing.seconds(120));
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
    for (int i = 1; i <= cluster.plane().coordinators(); i++) {
      if (cluster.plane().coordinatorPaused(i)) {
        cluster.plane().unpauseCoordinator(i);
      }
    }
    for (String node : NODES) {
      cluster.network().clearLimit(node);
    }
    for (int i = 1; i <= cluster.plane().members(); i++) {
      if (!cluster.plane().etcdRunning(i)) {
        cluster.plane().startEtcd(i);
      }
    }
    for (int i = 1; i <= cluster.plane().coordinators(); i++) {
      if (!cluster.plane().coordinatorRunning(i)) {
        cluster.plane().startCoordinator(i);
      }
    }
    cluster.awaitLeader(Timing.seconds(60));
    for (String ct : containers) {
      for (var a : cluster.agents()) {
        try {
          a.stub().withDeadlineAfter(30, TimeUnit.SECONDS).deleteContainer(
              DeleteContainerRequest.newBuilder().setContainerId(ct).setForce(true).build());
        } catch (RuntimeException e) {
          // Not there.
        }
      }
    }
  }

  private String workload(String id, String node) {
    return workload(id, node, MIB);
  }

  private String workload(String id, String node, int mib) {
    containers.add(id);
    workloads.createWorkload(node, id, mib);
    return id;
  }

  private Invariants.Outcome finishAndCheck(String containerId, String migrationId) {
    migrations.awaitFinished(migrationId, Timing.seconds(180));
    cluster.awaitNodesReady(Timing.seconds(60));
    return invariants.check(containerId, migrationId);
  }

  @Test
  @Order(1)
  void leaderKilledMidMigrationTheOtherTakesOverAndFinishesIt() {
    String ct = workload("ha-lkill", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    int old = cluster.awaitLeader(Timing.seconds(30));
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    long killed = System.nanoTime();
    cluster.plane().killCoordinator(old);
    int next = cluster.awaitLeader(Timing.seconds(60));
    Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
    cluster.network().clearLimit("nodeB");
    var outcome = finishAndCheck(ct, id);
    System.out.printf("HA: leader coordinator-%d killed in TRANSFER; coordinator-%d took over after %d ms "
            + "(election lease %d s); migration %s ended %s on %s, exactly one copy running%n",
        old, next, takeover.toMillis(), ELECTION_TTL.toSeconds(), id, outcome.migration().getPhase(), outcome.runningOn());
    assertThat(next).isNotEqualTo(old);
    assertThat(takeover).as("takeover within the election lease plus one keep-alive round")
        .isLessThan(Timing.scaled(ELECTION_TTL.plus(ELECTION_TTL)));
    assertThat(outcome.migration().getPhase()).isIn(Phase.PHASE_DONE, Phase.PHASE_ROLLED_BACK);
  }

  @Test
  @Order(2)
  void oneEtcdMemberDownMigrationsGoOn() {
    cluster.plane().killEtcd(3);
    String ct = workload("ha-etcd1", "nodeA");
    long asked = System.nanoTime();
    String id = startOnLeader(ct, "nodeA", "nodeB");
    var outcome = finishAndCheck(ct, id);
    System.out.printf("HA: one of three etcd members down: migration %s %s in %d ms%n", id,
        outcome.migration().getPhase(), Duration.ofNanos(System.nanoTime() - asked).toMillis());
    assertThat(outcome.migration().getPhase()).isEqualTo(Phase.PHASE_DONE);
  }

  @Test
  @Order(3)
  void quorumLostNewMigrationsAreRefusedThenGoOnWhenItReturns() {
    String ct = workload("ha-quorum", "nodeA");
    cluster.plane().killEtcd(3);
    long lost = System.nanoTime();
    cluster.plane().killEtcd(2);
    StatusRuntimeException refusal = null;
    Duration toRefuse = null;
    long deadline = System.nanoTime() + Timing.seconds(60).toNanos();
    while (refusal == null && System.nanoTime() < deadline) {
      for (int i = 1; i <= cluster.plane().coordinators() && refusal == null; i++) {
        try {
          cluster.stub(i).withDeadlineAfter(5, TimeUnit.SECONDS).migrate(request(ct, "nodeA", "nodeB"));
          fail("coordinator-" + i + " accepted a migration without etcd's quorum");
        } catch (StatusRuntimeException e) {
          // A call that hangs until our deadline is no answer; an answer with a status is the refusal.
          if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
            refusal = e;
            toRefuse = Duration.ofNanos(System.nanoTime() - lost);
          }
        }
      }
    }
    if (refusal == null) {
      fail("no coordinator refused a new migration within 60 s of losing etcd's quorum");
    }
    System.out.printf("HA: quorum lost (2 of 3 etcd members down): a new migration refused after %d ms with %s: %s%n",
        toRefuse.toMillis(), refusal.getStatus().getCode(), refusal.getStatus().getDescription());
    assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refusal.getStatus().getDescription()).isNotBlank();
    assertThat(invariants.runningCopies(ct)).as("the workload kept running where it was").containsExactly("nodeA");

    long back = System.nanoTime();
    cluster.plane().startEtcd(2);
    cluster.plane().startEtcd(3);
    cluster.awaitLeader(Timing.seconds(90));
    Duration toLead = Duration.ofNanos(System.nanoTime() - back);
    cluster.awaitNodesReady(Timing.seconds(60));
    String id = startOnLeader(ct, "nodeA", "nodeB");
    var outcome = finishAndCheck(ct, id);
    System.out.printf("HA: quorum back: a coordinator leads again after %d ms; migration %s %s on %s%n",
        toLead.toMillis(), id, outcome.migration().getPhase(), outcome.runningOn());
    assertThat(outcome.migration().getPhase()).isEqualTo(Phase.PHASE_DONE);
  }

  @Test
  @Order(4)
  void inFlightMigrationHoldsWhileQuorumIsLostAndFinishesWhenItReturns() throws InterruptedException {
    // Larger than the others: the quorum must go while the transfer is still in flight. A 48 MiB workload's images
    // (31 MB on the wire, zero pages left out) once finished 0.94 s after the dump, before both kills had landed, and
    // the loss fell on the restore, which rolls back by design.
    String ct = workload("ha-hold", "nodeA", HOLD_MIB);
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    String id = startOnLeader(ct, "nodeA", "nodeB");
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    long lost = System.nanoTime();
    cluster.plane().killEtcd(2);
    cluster.plane().killEtcd(3);
    cluster.network().clearLimit("nodeB");
    // Longer than the election lease: every coordinator lets go, the transfer's next step cannot be written.
    List<List<String>> during = new ArrayList<>();
    while (System.nanoTime() - lost < QUORUM_LOST_FOR.toNanos()) {
      during.add(invariants.runningCopies(ct));
      Thread.sleep(1000);
    }
    cluster.plane().startEtcd(2);
    cluster.plane().startEtcd(3);
    long back = System.nanoTime();
    Duration lostFor = Duration.ofNanos(back - lost);
    migrations.awaitFinished(id, Timing.seconds(180));
    Duration toFinish = Duration.ofNanos(System.nanoTime() - back);
    var outcome = finishAndCheck(ct, id);
    var m = outcome.migration();
    var resumed = m.getHistoryList().stream().filter(h -> h.getEvent().equals("Resumed")).toList();
    // The record's own instants (one host's clock: the coordinators run here): resumed -> finished.
    long resumedToFinished = resumed.isEmpty() ? -1 : millis(m.getHistoryList().getLast().getAt()) - millis(resumed.getLast().getAt());
    System.out.printf("HA: quorum lost for %d ms mid-transfer (%d checks, at most %d running cop%s meanwhile); after it "
            + "returned the migration %s ended %s on %s in %d ms (%d ms of it from the leader's resume to the end), "
            + "blackout %d ms; hold in its record: %s%n",
        lostFor.toMillis(), during.size(), during.stream().mapToInt(List::size).max().orElse(0),
        during.stream().mapToInt(List::size).max().orElse(0) == 1 ? "y" : "ies", id, m.getPhase(), outcome.runningOn(),
        toFinish.toMillis(), resumedToFinished, millis(m.getStats().getBlackout()),
        resumed.stream().map(h -> h.getFrom() + " " + h.getEvent() + ": " + h.getDetail()).toList());
    assertThat(during).as("never two copies while the control plane is away").allSatisfy(c -> assertThat(c).hasSizeLessThanOrEqualTo(1));
    assertThat(m.getPhase()).as("held, then finished: %s", m).isEqualTo(Phase.PHASE_DONE);
    assertThat(outcome.runningOn()).isEqualTo("nodeB");
    assertThat(resumed).as("the record shows the hold").isNotEmpty()
        .anySatisfy(h -> assertThat(h.getDetail()).startsWith("held "));
  }

  @Test
  @Order(5)
  void leaderCutFromEtcdStepsDownAndTheOtherFinishesTheWork() {
    String ct = workload("ha-cut", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    int old = cluster.awaitLeader(Timing.seconds(30));
    int other = old == 1 ? 2 : 1;
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    Duration stepDown;
    Duration takeover;
    java.time.LocalTime cutAt;
    try (EtcdPartition cut = EtcdPartition.cut(cluster.runner(), cluster.plane(), old)) {
      long t0 = System.nanoTime();
      cutAt = java.time.LocalTime.now();
      // The deposed leader still reaches the agents: it must notice on its own that it no longer leads.
      org.awaitility.Awaitility.await("coordinator-" + old + " steps down").atMost(Timing.seconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> cluster.refusesAsFollower(old));
      stepDown = Duration.ofNanos(System.nanoTime() - t0);
      org.awaitility.Awaitility.await("coordinator-" + other + " leads").atMost(Timing.seconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> cluster.leads(other));
      takeover = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(cluster.awaitLeader(Timing.seconds(30))).as("reads and writes now go to the new leader").isEqualTo(other);
      cluster.network().clearLimit("nodeB");
      migrations.awaitFinished(id, Timing.seconds(180));
    }
    var outcome = finishAndCheck(ct, id);
    String lost = cluster.plane().coordinatorLogs(old).lines().filter(l -> l.contains("lost leadership")).findFirst().orElse("");
    System.out.printf("HA: leader coordinator-%d cut from etcd in TRANSFER at %s: it refused as a follower %d ms after the cut "
            + "(its log: '%s'), coordinator-%d led after %d ms; migration %s %s on %s, exactly one copy running%n", old,
        cutAt, stepDown.toMillis(), lost.strip(), other, takeover.toMillis(), id, outcome.migration().getPhase(), outcome.runningOn());
    assertThat(cluster.refusesAsFollower(old)).as("healed, the old leader stays a follower").isTrue();
    assertThat(outcome.migration().getPhase()).isIn(Phase.PHASE_DONE, Phase.PHASE_ROLLED_BACK);
  }

  /**
   * The control plane's state is reachable only with a certificate of the cluster CA: each member
   * answers the coordinators' certificate and refuses a TLS client without one, and plaintext.
   */
  @Test
  @Order(0)
  void etcdServesOnlyClientsWithAClusterCertificate() {
    var coordinator = cluster.pki().files(dev.ferry.security.Identity.coordinator());
    var ca = coordinator.ca();
    for (int i = 1; i <= 3; i++) {
      String name = ControlPlane.etcdName(i);
      List<String> https = List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.toString(),
          "--resolve", name + ":2379:" + cluster.plane().etcdIp(i), "https://" + name + ":2379/health");
      var withCertificate = cluster.runner().run(ProcessSpec.of(concat(https, "--cert", coordinator.certificate().toString(),
          "--key", coordinator.key().toString())));
      assertThat(withCertificate.stdout()).as("%s with the coordinator's certificate: %s", name, withCertificate.stderrTail(2))
          .contains("\"health\":\"true\"");
      var without = cluster.runner().run(ProcessSpec.of(https));
      assertThat(without.succeeded()).as("%s without a client certificate: %s", name, without.stdout()).isFalse();
      var plaintext = cluster.runner().run(ProcessSpec.of("curl", "-sS", "--max-time", "10",
          "http://" + cluster.plane().etcdIp(i) + ":2379/health"));
      assertThat(plaintext.stdout()).as("%s over plaintext", name).doesNotContain("\"health\":\"true\"");
    }
  }

  private static List<String> concat(List<String> argv, String... more) {
    List<String> all = new ArrayList<>(argv);
    all.addAll(List.of(more));
    return all;
  }

  /**
   * Fencing observed: the leader freezes (docker pause: a long GC, a stalled VM) with a Restore it
   * already wrote to the target's connection, held back in its kernel by a lossy link. The other
   * coordinator takes over with a higher epoch and rolls the migration back (a restore in flight has
   * an unknown outcome). When the frozen leader wakes and its Restore finally arrives, the target
   * refuses the stale epoch: without fencing it would restore a second copy next to the resumed source.
   */
  @Test
  @Order(6)
  void pausedLeaderActsLateAndTheAgentRefusesItsStaleEpoch() throws Exception {
    String ct = workload("ha-fence", "nodeA");
    cluster.network().limitIngress("nodeB", SLOW_LINK);
    int old = cluster.awaitLeader(Timing.seconds(30));
    int other = old == 1 ? 2 : 1;
    String id = migrations.start(ct, "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    migrations.awaitPhase(id, Phase.PHASE_TRANSFER, Timing.seconds(60));
    String target = cluster.agent("nodeB").address();
    Path agentLog = dir.resolve("nodeB").resolve("nodeB-agent.log");
    Duration takeover;
    Duration toFinish;
    String finishedAs;
    try (Blackhole hole = Blackhole.drop(cluster.runner(), cluster.plane().coordinatorIp(old),
        target.substring(0, target.lastIndexOf(':')))) {
      cluster.network().clearLimit("nodeB");
      // Write-ahead: the record says Restore, then the leader sends it, into the hole.
      migrations.awaitPhase(id, Phase.PHASE_RESTORE, Timing.seconds(60));
      Thread.sleep(500);
      long paused = System.nanoTime();
      cluster.plane().pauseCoordinator(old);
      org.awaitility.Awaitility.await("coordinator-" + other + " leads").atMost(Timing.seconds(60))
          .pollInterval(Duration.ofMillis(100)).until(() -> cluster.leads(other));
      takeover = Duration.ofNanos(System.nanoTime() - paused);
      migrations.awaitFinished(id, Timing.seconds(180));
      toFinish = Duration.ofNanos(System.nanoTime() - paused);
      finishedAs = migrationPhase(id).name();
    }
    assertThat(invariants.runningCopies(ct)).as("before the old leader wakes").hasSizeLessThanOrEqualTo(1);
    long woke = System.nanoTime();
    cluster.plane().unpauseCoordinator(old);
    // The held request is retransmitted on the kernel's schedule (exponential back-off): allow a minute.
    String refusal = org.awaitility.Awaitility.await("nodeB refuses coordinator-" + old + "'s late command")
        .atMost(Timing.seconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> refusals(agentLog, id), r -> !r.isEmpty()).getFirst();
    Duration toRefusal = Duration.ofNanos(System.nanoTime() - woke);
    Thread.sleep(2000); // whatever else the old leader had in flight lands too
    List<String> refusals = refusals(agentLog, id);
    var outcome = finishAndCheck(ct, id);
    boolean stepsDown = cluster.refusesAsFollower(old);
    System.out.printf("HA: leader coordinator-%d paused in RESTORE (its Restore held on the wire); coordinator-%d led "
            + "after %d ms and ended migration %s %s %d ms after the pause; unpaused, the old leader's command reached "
            + "nodeB %d ms later and was refused (%d refusal%s): '%s'; one copy, on %s; old leader a follower: %s%n",
        old, other, takeover.toMillis(), id, finishedAs, toFinish.toMillis(), toRefusal.toMillis(), refusals.size(),
        refusals.size() == 1 ? "" : "s", refusal.substring(refusal.indexOf("fencing:")), outcome.runningOn(), stepsDown);
    assertThat(refusal).contains("stale epoch");
    assertThat(outcome.migration().getPhase()).isIn(Phase.PHASE_DONE, Phase.PHASE_ROLLED_BACK);
    assertThat(stepsDown).as("awake, the old leader knows it does not lead").isTrue();
  }

  private static long millis(com.google.protobuf.Duration d) {
    return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
  }

  private static long millis(com.google.protobuf.Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  private static Phase migrationPhase(String id) {
    return cluster.coordinatorStub().getMigration(dev.ferry.proto.v1.GetMigrationRequest.newBuilder()
        .setMigrationId(id).build()).getPhase();
  }

  /** The agent's log lines saying it refused a command of this migration for its stale epoch (EpochGuard). */
  private static List<String> refusals(Path agentLog, String migrationId) throws java.io.IOException {
    try (var lines = java.nio.file.Files.lines(agentLog)) {
      return lines.filter(l -> l.contains("fencing: refused") && l.contains(migrationId)).toList();
    }
  }

  private static MigrateRequest request(String ct, String from, String to) {
    return MigrateRequest.newBuilder().setContainerId(ct).setSourceNode(from).setTargetNode(to)
        .setStrategy(Strategy.STRATEGY_STOPCOPY).build();
  }

  /** Starts a migration on whichever coordinator leads, retrying while leadership settles. */
  private String startOnLeader(String ct, String from, String to) {
    long deadline = System.nanoTime() + Timing.seconds(60).toNanos();
    while (true) {
      int leader = cluster.awaitLeader(Timing.seconds(60));
      try {
        return cluster.stub(leader).migrate(request(ct, from, to)).getMigrationId();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }
}
