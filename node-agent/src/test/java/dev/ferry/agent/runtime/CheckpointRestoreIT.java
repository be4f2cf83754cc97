package dev.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.CheckpointRestoreScenario;
import dev.ferry.testkit.CheckpointRestoreScenario.Result;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracer bullet against the real stack: crun + CRIU + a time namespace, on this machine.
 * CRIU's documented behaviour for time namespaces: on restore it sets the offsets so the
 * container's CLOCK_MONOTONIC and CLOCK_BOOTTIME continue from their values at dump, i.e. they
 * pause for the blackout (what leaks through is the time spent dumping and restoring).
 */
class CheckpointRestoreIT {
  private static final Logger log = LoggerFactory.getLogger(CheckpointRestoreIT.class);
  private static final Duration WAIT = Duration.ofSeconds(3);
  private static final TimeOffsets OFFSETS = new TimeOffsets(Duration.ofDays(10), Duration.ofDays(20));

  @TempDir
  Path work;

  @Test
  void workloadSurvivesCheckpointAndRestoreWithItsClocksPaused() {
    Result r = new CheckpointRestoreScenario(work).run(64, WAIT, OFFSETS);
    log.info("64 MiB workload: checkpoint {} ms, restore {} ms, image {} MiB; blackout {} ms realtime, "
            + "CLOCK_MONOTONIC +{} ms, CLOCK_BOOTTIME +{} ms",
        r.checkpoint().toMillis(), r.restore().toMillis(), r.imageBytes() >> 20, r.blackout().realtime().toMillis(),
        r.blackout().monotonic().toMillis(), r.blackout().boottime().toMillis());

    // The container lived in its own time namespace with the offsets we gave it.
    assertThat(r.observedMonotonicOffset()).isCloseTo(OFFSETS.monotonic(), Duration.ofMillis(500));
    assertThat(r.observedBoottimeOffset()).isCloseTo(OFFSETS.boottime(), Duration.ofMillis(500));
    // A plain dump stops the container.
    assertThat(r.runningAfterCheckpoint()).isFalse();

    // The same process continued: no restart, memory intact and verified again after restore.
    assertThat(r.log().sequenceBreak()).isEmpty();
    assertThat(r.log().memoryErrors()).isZero();
    assertThat(r.passesAfterRestore()).isGreaterThanOrEqualTo(2);
    assertThat(r.log().clockWentBackwards()).isEmpty();

    // The blackout is the largest gap, and it spans our wait.
    assertThat(r.blackout().realtime()).isGreaterThanOrEqualTo(WAIT);
    // CRIU restores the timens offsets from the dump: the clocks paused for the wait,
    // and moved only by part of the dump/restore time.
    assertThat(r.monotonicJump()).isLessThan(r.checkpoint().plus(r.restore()).plusMillis(200));
    assertThat(r.blackout().realtime().minus(r.monotonicJump())).isGreaterThanOrEqualTo(WAIT.minusMillis(100));
    assertThat(r.blackout().boottime()).isCloseTo(r.blackout().monotonic(), Duration.ofMillis(5));
  }
}
