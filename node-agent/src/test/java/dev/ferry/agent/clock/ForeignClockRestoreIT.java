package dev.ferry.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.process.ProcessSpec;
import dev.ferry.proto.v1.ClockJumps;
import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.TestRootfs;
import dev.ferry.agent.network.Networking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 5: a target "host" whose clocks are very different. The target agent's crun (and the CRIU
 * that crun restore starts) runs in a time namespace whose CLOCK_MONOTONIC is 50 days and
 * CLOCK_BOOTTIME 80 days ahead of the source's; under SUSPEND the restored container must still
 * see continuous clocks, judged by its heartbeats. Were CRIU to set the restored offsets from its
 * own namespace's clocks, the container's clocks would step by those days; measured with CRIU
 * 4.2.1, it does not (its offsets are the host's), so the agent hands CRIU the clocks unchanged
 * and this test guards that.
 *
 * <p>Run: {@code ./mvnw -B -pl node-agent -am verify -Dit.test=ForeignClockRestoreIT -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}
 */
class ForeignClockRestoreIT {
  private static final Logger log = LoggerFactory.getLogger(ForeignClockRestoreIT.class);
  private static final long MONOTONIC_AHEAD_S = 50L * 86_400;
  private static final long BOOTTIME_AHEAD_S = 80L * 86_400;
  /** Far below the shift: what a broken correction would show is days, not milliseconds. */
  private static final Duration CONSISTENCY = Duration.ofMillis(3);

  @TempDir
  Path dir;
  AgentHarness a;
  AgentHarness b;
  TimeNamespacedCrun shifted;
  ClockMigration migration;

  @BeforeEach
  void start() {
    shifted = new TimeNamespacedCrun(AgentHarness.RUNNER, MONOTONIC_AHEAD_S, BOOTTIME_AHEAD_S);
    a = new AgentHarness("foreign-a", dir.resolve("a"));
    b = new AgentHarness("foreign-b", dir.resolve("b"), layout -> Networking.none(), shifted);
    migration = new ClockMigration(a, b, TestRootfs.build(dir.resolve("rootfs-src")));
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  @Test
  void theEmulatedTargetHostsClocksReallyDiffer() {
    String uptime = AgentHarness.RUNNER.runChecked(shifted.shifted(ProcessSpec.of("cat", "/proc/uptime"))).stdout();
    String offsets = AgentHarness.RUNNER.runChecked(shifted.shifted(ProcessSpec.of("cat", "/proc/self/timens_offsets"))).stdout();
    log.info("restore side: /proc/uptime {}, timens_offsets {}", uptime.strip(), offsets.replaceAll("\\s+", " ").strip());
    assertThat(Double.parseDouble(uptime.split(" ")[0])).isGreaterThan(BOOTTIME_AHEAD_S);
    assertThat(offsets).containsPattern("monotonic\\s+" + MONOTONIC_AHEAD_S + "\\s+0").containsPattern("boottime\\s+" + BOOTTIME_AHEAD_S + "\\s+0");
  }

  @Test
  void theContainerSeesContinuousClocksUnderSuspend() throws InterruptedException {
    String id = "ct-foreign";
    migration.start(id);
    var out = migration.migrate(id, "foreign-1", Duration.ofSeconds(2),
        (r, dump) -> r.setClockPolicy(ClockPolicy.CLOCK_POLICY_SUSPEND).setFrozenAt(dump.getFrozenAt()), () -> { });

    assertThat(out.restore().getContainer().getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    HeartbeatLog beats = migration.heartbeatsAfterRestore(id);
    assertThat(beats.sequenceBreak()).isEmpty();
    assertThat(beats.memoryErrors()).isZero();
    assertThat(beats.clockWentBackwards()).isEmpty();

    ClockJumps reported = out.restore().getClockJumps();
    assertThat(reported.getFallbackReason()).isEmpty();
    Duration blackout = d(reported.getBlackout());
    HeartbeatLog.Gap gap = beats.largestGap();
    Duration slack = gap.realtime().minus(blackout);
    Duration mono = gap.monotonic().minus(slack);
    Duration boot = gap.boottime().minus(slack);
    String line = String.format(Locale.ROOT, "FOREIGN-TIMENS SUSPEND (restore side +%d d monotonic, +%d d boottime): "
            + "blackout %s ms (heartbeat gap %s ms); container jumps by the heartbeats: monotonic %s ms, boottime %s ms; "
            + "reported: monotonic %s ms, boottime %s ms", MONOTONIC_AHEAD_S / 86_400, BOOTTIME_AHEAD_S / 86_400, ms(blackout),
        ms(gap.realtime()), ms(mono), ms(boot), ms(d(reported.getMonotonic())), ms(d(reported.getBoottime())));
    log.info(line);
    System.out.println(line);
    System.out.println("FOREIGN-TIMENS CRIU wrote: " + criuTimensLines(id));

    // Continuous: neither clock stepped by anything near the namespace's days, nor went back.
    assertThat(mono).isBetween(Duration.ofMillis(-1), blackout);
    assertThat(boot).isBetween(Duration.ofMillis(-1), blackout.plus(Duration.ofMillis(10)));
    // The agent's own account of the jumps agrees with the workload's, namespace and all.
    assertThat(d(reported.getMonotonic()).minus(mono).abs()).isLessThanOrEqualTo(CONSISTENCY);
    assertThat(d(reported.getBoottime()).minus(boot).abs()).isLessThanOrEqualTo(CONSISTENCY);
    // SUSPEND: boottime advances by the blackout minus what the monotonic clock leaked (both paused the same hold).
    assertThat(boot.minus(blackout).abs()).isLessThan(blackout.dividedBy(2));
  }

  /** The offsets CRIU wrote for the restored namespace, from its restore log. */
  private String criuTimensLines(String id) {
    Path restoreLog = b.layout().work(new dev.ferry.agent.runtime.ContainerId(id), "final").resolve("restore.log");
    try (var lines = java.nio.file.Files.lines(restoreLog)) {
      return String.join("; ", lines.filter(l -> l.contains("timens:")).map(String::strip).toList());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return "(no restore log: " + e.getMessage() + ")";
    }
  }

  private static Duration d(com.google.protobuf.Duration p) {
    return Duration.ofSeconds(p.getSeconds(), p.getNanos());
  }

  private static String ms(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e6);
  }
}
