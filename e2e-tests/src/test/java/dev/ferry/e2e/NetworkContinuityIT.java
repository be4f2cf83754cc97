package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.net.EchoConversation;
import dev.ferry.e2e.net.NetContainers;
import dev.ferry.e2e.net.NetContainers.Placement;
import dev.ferry.e2e.net.UdpEcho;
import dev.ferry.e2e.scenario.Migrations;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PhaseTransition;
import dev.ferry.proto.v1.Strategy;
import dev.ferry.testkit.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
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
 * A client in the root namespace holds ONE TCP connection to ferry-echo in a container and talks
 * every 10 ms while the container migrates: the connection must see no reset and no lost or
 * reordered message, the container keeps its address, its listening socket takes new
 * connections on the target, and its UDP socket answers again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkContinuityIT {
  private static final Duration TICK = Duration.ofMillis(10);
  private static final List<String> ROWS = new ArrayList<>();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static LocalCluster cluster;
  static Migrations migrations;
  static NetContainers containers;
  private final List<String> created = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = SuiteCluster.start(dir, List.of("nodeA", "nodeB"));
    migrations = new Migrations(cluster);
    containers = new NetContainers(cluster);
  }

  @AfterAll
  static void stop() {
    System.out.println("\nConnection continuity across a migration (one TCP connection, a message every "
        + TICK.toMillis() + " ms):");
    System.out.printf("%-30s %-20s %10s %14s %9s %9s %14s%n", "case", "ends on", "blackout", "largest gap",
        "sent", "echoed", "udp answers");
    ROWS.forEach(System.out::println);
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void cleanUp() {
    SuiteCluster.heal(cluster);
    created.forEach(c -> SuiteCluster.remove(cluster, c));
  }

  @Test
  @Order(1)
  void oneConnectionSurvivesAStopCopyMigration() throws Exception {
    connectionSurvives("nc-stop", Strategy.STRATEGY_STOPCOPY);
  }

  @Test
  @Order(2)
  void oneConnectionSurvivesAPostCopyMigration() throws Exception {
    connectionSurvives("nc-lazy", Strategy.STRATEGY_POSTCOPY);
  }

  @Test
  @Order(3)
  void aRolledBackMigrationLeavesTheConnectionWorkingOnTheSource() throws Exception {
    String ct = echo("nc-back", "nodeA");
    Placement before = containers.placement(ct).orElseThrow();
    // The target can hold the root filesystem's first pass, sent while the container runs, but not
    // the images after the dump: the rollback comes after the freeze, with new connections held.
    Path containersDir = cluster.agent("nodeB").stateDir().resolve("containers");
    long room = roomForTheFirstPassOnly(cluster.agent("nodeA").stateDir().resolve("containers").resolve(ct)
        .resolve("bundle").resolve("rootfs"));
    SuiteCluster.run(cluster, "mkdir", "-p", containersDir.toString());
    SuiteCluster.run(cluster, "mount", "-t", "tmpfs", "-o", "size=" + room, "ferry-e2e-netfull", containersDir.toString());
    try (EchoConversation talk = talking(before)) {
      Migration m = migrate(ct, Strategy.STRATEGY_STOPCOPY);
      assertThat(m.getPhase()).as("%s", m).isIn(Phase.PHASE_ROLLED_BACK, Phase.PHASE_FAILED);
      assertThat(m.getHistoryList()).as("the migration failed after the dump").extracting(PhaseTransition::getTo)
          .contains(Phase.PHASE_TRANSFER);
      assertStillTalking(talk);
      EchoConversation.Report r = talk.finish(Timing.seconds(10));
      Placement after = containers.placement(ct).orElseThrow();
      Optional<Duration> udp = UdpEcho.roundTrip(after.address(), NetContainers.ECHO_UDP, Duration.ofMillis(200), Timing.seconds(10));
      row("rollback (target disk full)", after, m, r, udp);
      System.out.println("  rolled back after: " + failedIn(m) + " (" + m.getError().getReason() + ")");
      assertThat(r.failure()).as("the held connection").isEmpty();
      assertThat(r.echoed()).isEqualTo(r.sent());
      assertThat(after).isEqualTo(before);
      assertThat(udp).as("UDP echo on the source").isPresent();
      // The dump held new connections on the source; the rollback must let them in again.
      try (EchoConversation fresh = EchoConversation.open(after.address(), NetContainers.ECHO_TCP, TICK, Timing.seconds(5))) {
        await("a new connection is served on the source").atMost(Timing.seconds(10)).until(() -> fresh.echoed() >= 20);
        assertThat(fresh.finish(Timing.seconds(5)).intact()).as("%s", fresh.report()).isTrue();
      }
    } finally {
      SuiteCluster.run(cluster, "umount", "-l", containersDir.toString());
    }
  }

  private void connectionSurvives(String ct, Strategy strategy) throws Exception {
    echo(ct, "nodeA");
    Placement before = containers.placement(ct).orElseThrow();
    assertThat(before.address()).as("an address from %s", cluster.network().containerNetwork())
        .startsWith(cluster.network().containerNetwork().replace("0/24", ""));
    assertThat(UdpEcho.roundTrip(before.address(), NetContainers.ECHO_UDP, Duration.ofMillis(200), Timing.seconds(5)))
        .as("UDP echo before the move").isPresent();
    try (EchoConversation talk = talking(before)) {
      Migration m = migrate(ct, strategy);
      assertThat(m.getPhase()).as("%s", m.getError()).isEqualTo(Phase.PHASE_DONE);
      assertStillTalking(talk);
      EchoConversation.Report r = talk.finish(Timing.seconds(10));
      Placement after = containers.placement(ct).orElseThrow();
      Optional<Duration> udp = UdpEcho.roundTrip(after.address(), NetContainers.ECHO_UDP, Duration.ofMillis(200), Timing.seconds(10));
      row(strategy.name().replace("STRATEGY_", "").toLowerCase() + " nodeA -> nodeB", after, m, r, udp);
      assertThat(r.failure()).as("the held connection").isEmpty();
      assertThat(r.echoed()).as("every message echoed").isEqualTo(r.sent());
      assertThat(after).as("same address, now on nodeB").isEqualTo(new Placement("nodeB", before.address()));
      assertThat(udp).as("UDP echo after the move").isPresent();
      try (EchoConversation fresh = EchoConversation.open(after.address(), NetContainers.ECHO_TCP, TICK, Timing.seconds(5))) {
        await("a new connection is served").atMost(Timing.seconds(10)).until(() -> fresh.echoed() >= 20);
        assertThat(fresh.finish(Timing.seconds(5)).intact()).as("%s", fresh.report()).isTrue();
      }
    }
  }

  private String echo(String ct, String node) {
    created.add(ct);
    containers.createEcho(node, ct);
    return ct;
  }

  /** A conversation that is already flowing (a second of baseline), so the migration hits a busy connection. */
  private static EchoConversation talking(Placement p) throws Exception {
    EchoConversation talk = EchoConversation.open(p.address(), NetContainers.ECHO_TCP, TICK, Timing.seconds(5));
    await("baseline echoes").atMost(Timing.seconds(10)).until(() -> talk.echoed() >= 50);
    return talk;
  }

  private static Migration migrate(String ct, Strategy strategy) {
    await("coordinator sees " + ct + " on nodeA").atMost(Timing.seconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.coordinator().stub().listContainers(dev.ferry.proto.v1.ListClusterContainersRequest.newBuilder()
            .setNode("nodeA").build()).getContainersList().stream().anyMatch(c -> c.getContainerId().equals(ct)));
    String id = migrations.start(ct, "nodeA", "nodeB", strategy);
    return migrations.awaitFinished(id, SuiteCluster.migrationTimeout());
  }

  /** The conversation carries on after the migration: another second of echoes on the same connection. */
  private static void assertStillTalking(EchoConversation talk) {
    long now = talk.echoed();
    await("echoes continue on the same connection").atMost(Timing.seconds(15)).pollInterval(Duration.ofMillis(50))
        .failFast(() -> !talk.report().failure().isEmpty())
        .until(() -> talk.echoed() >= now + 50);
  }

  /**
   * Bytes of a file system that takes this root filesystem (in 4 KiB pages) with the receiver's free-disk
   * reserve left over, and 32 KiB more: no checkpoint's images fit after it.
   */
  private static long roomForTheFirstPassOnly(Path rootfs) {
    try (var files = java.nio.file.Files.walk(rootfs)) {
      long pages = files.filter(p -> java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .mapToLong(p -> (p.toFile().length() + 4095) / 4096).sum();
      return dev.ferry.transfer.receive.ReceiverOptions.defaults().reserveBytes() + pages * 4096 + (32 << 10);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String failedIn(Migration m) {
    return m.getHistoryList().stream().map(PhaseTransition::getFrom).map(p -> p.name().replace("PHASE_", ""))
        .collect(Collectors.joining(">"));
  }

  private static void row(String name, Placement after, Migration m, EchoConversation.Report r, Optional<Duration> udp) {
    var b = m.getStats().getBlackout();
    String line = String.format("%-30s %-20s %7d ms %11d ms %9d %9d %14s", name, after.node() + " " + after.address(),
        b.getSeconds() * 1000 + b.getNanos() / 1_000_000, r.largestGap().toMillis(), r.sent(), r.echoed(),
        udp.map(d -> "yes (" + d.toMillis() + " ms)").orElse("NO") + (r.failure().isEmpty() ? "" : "  FAILURE: " + r.failure()));
    System.out.println(line);
    ROWS.add(line);
  }
}
