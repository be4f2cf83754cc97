package dev.ferry.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.proto.v1.ClockJumps;
import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.TestRootfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each clock policy through the agents' production path (Dump on A, SendImages A to B, Restore on
 * B with the policy), judged by the workload's heartbeat file and checked against the jumps the
 * target reports in RestoreResult.clock_jumps.
 *
 * <p>Run: {@code ./mvnw -B -q -pl node-agent -am verify -Dit.test=ClockPolicyIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 */
class ClockPolicyIT {
  private static final Logger log = LoggerFactory.getLogger(ClockPolicyIT.class);
  private static final Duration WAIT = Duration.ofSeconds(2);
  /**
   * A paused clock moves forward by the time from releasing the pre-resume gate to CRIU resuming the
   * tasks. Issue 5's goal was 1 ms: with the gate's keeper, the script and CRIU under SCHED_FIFO that was
   * 0.37-0.62 ms on the hosts of that time, idle or with both cores busy. It depends on the host: on a
   * host with kernel 6.18.44, pti=on and cgroup v1 controllers, a bare shell's read, exit and reap alone
   * takes 0.5-0.9 ms, and the jumps were 1.35-1.45 ms idle and 1.4-3.2 ms in the full suite. What the test
   * must tell apart is a paused clock from one CRIU left running: that one jumps by hundreds of ms at this
   * size (562 ms in the fallback case below). The measured jump is logged with every run.
   */
  private static final Duration PAUSED = Duration.ofMillis(10);
  /** Issue 5's goal for a clock that advances by the blackout (boottime under SUSPEND, both under WALL). */
  private static final Duration ADVANCED = Duration.ofMillis(5);
  /** Realtime is the host's: the blackout as measured on it, within the resolution of the two readings. */
  private static final Duration TOLERANCE = Duration.ofMillis(10);
  /** How closely the reported jumps match the heartbeats' (both place the resume by CRIU's restore log). */
  private static final Duration CONSISTENCY = Duration.ofMillis(3);

  @TempDir
  Path dir;
  AgentHarness a;
  AgentHarness b;
  ClockMigration migration;

  @BeforeEach
  void start() {
    a = new AgentHarness("clock-a", dir.resolve("a"));
    b = new AgentHarness("clock-b", dir.resolve("b"));
    migration = new ClockMigration(a, b, TestRootfs.build(dir.resolve("rootfs-src")));
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  @ParameterizedTest
  @EnumSource(value = ClockPolicy.class, names = {"CLOCK_POLICY_SUSPEND", "CLOCK_POLICY_FREEZE", "CLOCK_POLICY_WALL"})
  void theRestoredContainerSeesThePolicy(ClockPolicy policy) throws InterruptedException {
    String id = "ct-" + policy.name().substring(13).toLowerCase(Locale.ROOT);
    migration.start(id);
    var out = migration.migrate(id, "clock-" + policy.getNumber(), WAIT,
        // What the coordinator sends: the source's freeze (on the target's clock: one host here).
        (r, dump) -> r.setClockPolicy(policy).setFrozenAt(dump.getFrozenAt()), () -> { });
    judge(id, policy, out);
  }

  @Test
  void unspecifiedPolicyIsSuspend() throws InterruptedException {
    migration.start("ct-default");
    var out = migration.migrate("ct-default", "clock-default", Duration.ofMillis(500), (r, dump) -> r, () -> { });
    assertThat(out.restore().getClockJumps().getPolicy()).isEqualTo(ClockPolicy.CLOCK_POLICY_SUSPEND);
    judge("ct-default", ClockPolicy.CLOCK_POLICY_SUSPEND, out);
  }

  /** A gate that cannot be set up: the container is restored all the same, with CRIU's clocks, and the result says why. */
  @Test
  void aBrokenGateFallsBackToCriusPlainClocks() throws InterruptedException {
    migration.start("ct-broken");
    Path gate = b.layout().work(new ContainerId("ct-broken"), "final").resolve(ResumeGate.GATE);
    var out = migration.migrate("ct-broken", "clock-broken", Duration.ofMillis(500),
        (r, dump) -> r.setClockPolicy(ClockPolicy.CLOCK_POLICY_SUSPEND), () -> blockPath(gate));
    assertFellBack(out, "could not be set up");
  }

  /** A freeze instant that cannot be right (in the future): the feeder hands CRIU the recorded clocks instead. */
  @Test
  void anImpossibleFreezeInstantFallsBackToCriusPlainClocks() throws InterruptedException {
    migration.start("ct-future");
    var out = migration.migrate("ct-future", "clock-future", Duration.ofMillis(500),
        (r, dump) -> r.setClockPolicy(ClockPolicy.CLOCK_POLICY_FREEZE).setFrozenAt(timestamp(Instant.now().plusSeconds(3600))),
        () -> { });
    assertFellBack(out, "could not be decided");
  }

  private void judge(String id, ClockPolicy policy, ClockMigration.Outcome out) {
    assertThat(out.restore().getContainer().getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    // CRIU restores at nice -20; the container keeps the nice it was dumped with (the workload's: 0).
    assertThat(SchedulingPolicy.niceOf(out.restore().getContainer().getPid())).as("the restored container's nice").isZero();
    HeartbeatLog beats = migration.heartbeatsAfterRestore(id);
    assertThat(beats.sequenceBreak()).isEmpty();
    assertThat(beats.memoryErrors()).isZero();
    assertThat(beats.clockWentBackwards()).isEmpty();

    ClockJumps reported = out.restore().getClockJumps();
    assertThat(reported.getFallbackReason()).isEmpty();
    assertThat(reported.getPolicy()).isEqualTo(policy);
    Duration blackout = d(reported.getBlackout());
    HeartbeatLog.Gap gap = beats.largestGap();
    // The heartbeats straddle the blackout: the gap is the blackout plus a beat's slack on either side.
    Duration slack = gap.realtime().minus(blackout);
    Duration mono = gap.monotonic().minus(slack);
    Duration boot = gap.boottime().minus(slack);
    log.info("{}: blackout {} ms (heartbeat gap {} ms); container jumps by the heartbeats: monotonic {} ms, boottime {} ms; "
            + "reported: monotonic {} ms, boottime {} ms, realtime {} ms", policy, ms(blackout), ms(gap.realtime()), ms(mono),
        ms(boot), ms(d(reported.getMonotonic())), ms(d(reported.getBoottime())), ms(d(reported.getRealtime())));

    // The first beat after resume may wait for the CPU on a loaded machine (102 ms seen in CI): the
    // jumps below are derived with this slack removed, so it bounds measurement resolution, not the policy.
    assertThat(slack).as("the reported blackout lies within the heartbeat gap")
        .isBetween(Duration.ZERO, dev.ferry.testkit.Timing.scaled(Duration.ofMillis(250)));
    assertThat(d(reported.getRealtime()).minus(blackout).abs()).as("realtime is the host's").isLessThan(TOLERANCE);
    assertThat(d(reported.getMonotonic()).minus(mono).abs()).as("reported monotonic jump vs heartbeats").isLessThanOrEqualTo(CONSISTENCY);
    assertThat(d(reported.getBoottime()).minus(boot).abs()).as("reported boottime jump vs heartbeats").isLessThanOrEqualTo(CONSISTENCY);
    assertThat(mono).isGreaterThan(Duration.ofMillis(-1));
    assertThat(boot).isGreaterThan(Duration.ofMillis(-1));
    switch (policy) {
      case CLOCK_POLICY_SUSPEND -> {
        assertThat(mono).as("paused monotonic clock").isLessThanOrEqualTo(PAUSED);
        assertThat(boot.minus(blackout).abs()).as("boottime vs blackout").isLessThanOrEqualTo(ADVANCED);
      }
      case CLOCK_POLICY_FREEZE -> {
        assertThat(mono).as("paused monotonic clock").isLessThanOrEqualTo(PAUSED);
        assertThat(boot).as("paused boottime").isLessThanOrEqualTo(PAUSED);
      }
      case CLOCK_POLICY_WALL -> {
        assertThat(mono.minus(blackout).abs()).as("monotonic vs blackout").isLessThanOrEqualTo(ADVANCED);
        assertThat(boot.minus(blackout).abs()).as("boottime vs blackout").isLessThanOrEqualTo(ADVANCED);
      }
      default -> throw new IllegalArgumentException(policy.name());
    }
  }

  private void assertFellBack(ClockMigration.Outcome out, String why) {
    assertThat(out.restore().getContainer().getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
    String id = out.restore().getContainer().getContainerId();
    HeartbeatLog beats = migration.heartbeatsAfterRestore(id);
    assertThat(beats.sequenceBreak()).isEmpty();
    assertThat(beats.clockWentBackwards()).isEmpty();
    ClockJumps reported = out.restore().getClockJumps();
    log.info("fallback reported: {}; jumps monotonic {} ms, boottime {} ms", reported.getFallbackReason(),
        ms(d(reported.getMonotonic())), ms(d(reported.getBoottime())));
    assertThat(reported.getFallbackReason()).contains(why);
    // CRIU's plain behaviour: both clocks continue from the values it recorded, so they moved forward only a little.
    HeartbeatLog.Gap gap = beats.largestGap();
    assertThat(gap.monotonic()).isLessThan(gap.realtime());
    // The timens image is a regular file again.
    Path images = b.layout().images(new ContainerId(id), "final");
    assertThat(dev.ferry.timesync.TimensImage.locate(images)).isRegularFile();
  }

  /** A non-empty directory where the gate's FIFO goes: mkfifo cannot replace it. */
  private static void blockPath(Path gate) {
    try {
      Files.createDirectories(gate);
      Files.writeString(gate.resolve("in-the-way"), "x");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static com.google.protobuf.Timestamp timestamp(Instant at) {
    return com.google.protobuf.Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  private static Duration d(com.google.protobuf.Duration p) {
    return Duration.ofSeconds(p.getSeconds(), p.getNanos());
  }

  private static String ms(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e6);
  }
}
