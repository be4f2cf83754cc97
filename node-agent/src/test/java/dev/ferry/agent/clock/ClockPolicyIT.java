package dev.ferry.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.ContainerSpec;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.agent.runtime.OciConfig;
import dev.ferry.agent.runtime.StdioShim;
import dev.ferry.agent.runtime.TimeOffsets;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.TestRootfs;
import dev.ferry.testkit.Timing;
import dev.ferry.timesync.ClockOffset;
import dev.ferry.timesync.ClockPolicy;
import dev.ferry.timesync.RestoreLags;
import dev.ferry.timesync.Ticker;
import dev.ferry.timesync.grpc.ClockProber;
import dev.ferry.timesync.grpc.ClockService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each clock policy against real crun + CRIU, judged by the workload's heartbeats. Per policy:
 * a container with its own time namespace (offsets +10 d / +20 d), one plain checkpoint/restore
 * cycle that shows what CRIU alone does and calibrates this node's restore lags, then one cycle
 * whose timens image is corrected for the policy with those lags.
 *
 * <p>Run: {@code ./mvnw -B -q -pl node-agent -am verify -Dit.test=ClockPolicyIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 */
class ClockPolicyIT {
  private static final Logger log = LoggerFactory.getLogger(ClockPolicyIT.class);
  private static final int MEMORY_MIB = 64;
  private static final int INTERVAL_MS = 1;
  private static final Duration WAIT = Duration.ofSeconds(2);
  /**
   * The goal for paused clocks is 1 ms; measured here they move forward 2-3 ms: the time from releasing
   * the pre-resume gate to CRIU resuming the tasks (script exit, waitpid, ptrace detach), not yet compensated.
   */
  private static final Duration TOLERANCE_PAUSED = Duration.ofMillis(5);
  private static final Duration TOLERANCE_ADVANCED = Duration.ofMillis(5);

  @TempDir
  Path work;

  @ParameterizedTest
  @EnumSource(ClockPolicy.class)
  void theRestoredContainerSeesThePolicy(ClockPolicy policy) throws IOException {
    NodeLayout node = new NodeLayout(work.resolve("node")).create();
    ContainerId id = new ContainerId("clock-" + policy.name().toLowerCase());
    CrunCommands crun = new CrunCommands(new SystemProcessRunner(), node.crunRoot(), Timing.scaled(Duration.ofMinutes(2)));
    Path rootfs = TestRootfs.build(node.rootfs(id));
    Path heartbeats = rootfs.resolve(TestRootfs.HEARTBEAT.substring(1));
    ContainerSpec spec = ContainerSpec.of(id, rootfs, TestRootfs.workloadArgs(MEMORY_MIB, 4, INTERVAL_MS))
        .withTimeOffsets(new TimeOffsets(Duration.ofDays(10), Duration.ofDays(20)));
    OciConfig oci = new OciConfig(new StdioShim(Path.of("/bin/busybox")), "/ferry/clock-it-" + ProcessHandle.current().pid());
    Files.createDirectories(node.bundle(id));
    Files.writeString(node.bundle(id).resolve("config.json"), oci.render(spec));

    String name = InProcessServerBuilder.generateName();
    Server source = InProcessServerBuilder.forName(name).addService(new ClockService("source", InstantSource.system(), Ticker.SYSTEM))
        .build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    crun.run(id, node.bundle(id), node.crunLog(id));
    try {
      await().atMost(Timing.seconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(heartbeats) && HeartbeatLog.read(heartbeats).size() > 50
              && HeartbeatLog.read(heartbeats).last().verifiedPasses() >= 1);
      ClockOffset probed = new ClockProber(channel, InstantSource.system(), Ticker.SYSTEM).probe(8, Duration.ofSeconds(5));
      ClockCycle cycle = new ClockCycle(crun, id, node.bundle(id), heartbeats);

      ClockCycle.Outcome plain = cycle.run(node.images(id, "plain"), node.work(id, "plain"), WAIT, null, RestoreLags.NONE, probed);
      report("CRIU alone", plain);
      // Predicting the resume lag instead (RestoreLags from the plain cycle) is off by hundreds of ms on a loaded
      // machine and sets paused clocks back; so the resume is held instead, within a budget: twice the calibrated
      // lag (a longer budget only costs downtime, a shorter one moves paused clocks forward by the overrun).
      RestoreLags budget = new RestoreLags(Duration.ZERO, plain.actual().untilResume().multipliedBy(2));
      ClockCycle.Outcome corrected = cycle.run(node.images(id, "jit"), node.work(id, "jit"), WAIT, policy, budget, probed,
          new JustInTimeRestore(new SystemProcessRunner(), node.crunRoot()));
      report(policy + " just in time", corrected);
      log.info("{} just in time: pre-resume reached {} ms after the offsets were set (budget {} ms)", policy,
          ms(corrected.gateOpenedAfter()), ms(budget.untilResume()));

      HeartbeatLog beats = HeartbeatLog.read(heartbeats);
      assertThat(beats.sequenceBreak()).isEmpty();
      assertThat(beats.memoryErrors()).isZero();
      assertThat(beats.clockWentBackwards()).isEmpty();
      assertThat(corrected.blackout()).isGreaterThan(WAIT);
      // The policy, judged by the heartbeats and the measured blackout. A restore slower than the budget may
      // only move paused clocks forward, by the overrun.
      Duration overrun = corrected.gateOpenedAfter().minus(budget.untilResume());
      Duration slack = (overrun.isNegative() ? Duration.ZERO : overrun).plus(TOLERANCE_PAUSED);
      Duration mono = corrected.monotonicJump();
      Duration boot = corrected.boottimeJump();
      assertThat(mono).isGreaterThan(Duration.ofMillis(-1));
      assertThat(boot).isGreaterThan(Duration.ofMillis(-1));
      switch (policy) {
        case SUSPEND -> {
          assertThat(mono).isLessThanOrEqualTo(slack);
          assertThat(boot.minus(corrected.blackout()).abs()).isLessThanOrEqualTo(TOLERANCE_ADVANCED);
        }
        case FREEZE -> {
          assertThat(mono).isLessThanOrEqualTo(slack);
          assertThat(boot).isLessThanOrEqualTo(slack);
        }
        case WALL -> {
          assertThat(mono.minus(corrected.blackout()).abs()).isLessThanOrEqualTo(TOLERANCE_ADVANCED);
          assertThat(boot.minus(corrected.blackout()).abs()).isLessThanOrEqualTo(TOLERANCE_ADVANCED);
        }
      }
    } finally {
      crun.kill(id, "KILL");
      crun.delete(id, true);
      channel.shutdownNow();
      source.shutdownNow();
    }
  }

  private static void report(String what, ClockCycle.Outcome o) {
    log.info("{}: blackout {} ms (checkpoint {} ms, restore {} ms); record lag {} ms; restore lags expected {}/{} ms, "
            + "actual {}/{} ms; heartbeat gap real {} mono {} boot {} ms; container jumps: monotonic {} ms, boottime {} ms",
        what, ms(o.blackout()), ms(o.checkpoint()), ms(o.restore()), ms(o.recordLag()),
        ms(o.expected().untilOffsetsSet()), ms(o.expected().untilResume()),
        ms(o.actual().untilOffsetsSet()), ms(o.actual().untilResume()),
        ms(o.gap().realtime()), ms(o.gap().monotonic()), ms(o.gap().boottime()), ms(o.monotonicJump()), ms(o.boottimeJump()));
  }

  private static String ms(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3f", d.toNanos() / 1e6);
  }
}
