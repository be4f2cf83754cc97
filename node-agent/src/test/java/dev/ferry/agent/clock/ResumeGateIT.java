package dev.ferry.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's action script run as CRIU runs it (sh, CRTOOLS_SCRIPT_ACTION in the environment), against a real FIFO. */
class ResumeGateIT {
  private static final ProcessRunner RUNNER = new SystemProcessRunner();

  @TempDir
  Path work;

  @Test
  void preResumeIsHeldUntilTheAgentReleasesIt() throws Exception {
    try (ResumeGate gate = ResumeGate.open(RUNNER, work, Duration.ofSeconds(10), HostClock.SYSTEM,
        reached -> reached + Duration.ofMillis(300).toNanos())) {
      ProcessResult r = runScript(gate, "pre-resume");
      assertThat(r.exitCode()).isZero();
      assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      ResumeGate.Passage p = gate.passage().orElseThrow();
      // Released on time, give or take the scheduling of a loaded machine.
      assertThat(Duration.ofNanos(p.released() - p.reached())).isBetween(Duration.ofMillis(300), Duration.ofMillis(350));
    }
  }

  @Test
  void otherStagesPassStraightThrough() throws Exception {
    try (ResumeGate gate = ResumeGate.open(RUNNER, work, Duration.ofSeconds(10), HostClock.SYSTEM, reached -> Long.MAX_VALUE)) {
      ProcessResult r = runScript(gate, "post-restore");
      assertThat(r.exitCode()).isZero();
      assertThat(r.duration()).isLessThan(Duration.ofSeconds(1));
      assertThat(gate.passage()).isEmpty();
    }
  }

  /** The agent is gone (nobody will ever open the gate's write end): the restore resumes after the hold limit, successfully. */
  @Test
  void aGateNobodyOpensGivesUpAndResumes() throws Exception {
    ResumeGate gate = ResumeGate.open(RUNNER, work, Duration.ofSeconds(1), HostClock.SYSTEM, reached -> Long.MAX_VALUE);
    gate.close();
    ProcessResult r = runScript(gate, "pre-resume");
    assertThat(r.exitCode()).as("the gate never fails a restore").isZero();
    assertThat(r.duration()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
  }

  /** An agent that never releases: its own hold limit lets the restore go. */
  @Test
  void aReleaseNeverDecidedIsCappedByTheHoldLimit() throws Exception {
    try (ResumeGate gate = ResumeGate.open(RUNNER, work, Duration.ofMillis(500), HostClock.SYSTEM, reached -> Long.MAX_VALUE)) {
      ProcessResult r = runScript(gate, "pre-resume");
      assertThat(r.exitCode()).isZero();
      assertThat(r.duration()).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
    }
  }

  /**
   * CRIU, the gate's parent (here a copy of bash named criu, running the script as CRIU does), is under
   * SCHED_FIFO while the gate holds, so its way from the release to resuming the tasks waits for no CPU.
   */
  @Test
  void criuWaitsForNoCpuOnceTheGateHolds() throws Exception {
    Path criu = work.resolve("criu");
    Files.copy(Path.of("/bin/bash"), criu);
    try (ResumeGate gate = ResumeGate.open(RUNNER, work, Duration.ofSeconds(10), HostClock.SYSTEM,
        reached -> reached + Duration.ofMillis(1500).toNanos());
        var running = RUNNER.start(ProcessSpec.of(criu.toString(), "-c", "sh -c " + gate.script() + "; exit 0")
            .withEnv(Map.of("CRTOOLS_SCRIPT_ACTION", "pre-resume")).withTimeout(Duration.ofSeconds(30)))) {
      await().atMost(Duration.ofSeconds(1)).until(() -> SchedulingPolicy.ofProcess(running.pid()) == SchedulingPolicy.SCHED_FIFO);
      assertThat(running.await(Duration.ofSeconds(10))).hasValueSatisfying(r -> assertThat(r.exitCode()).isZero());
      assertThat(gate.passage()).isPresent();
    }
  }

  /** A parent that is not CRIU (this JVM) keeps its policy. */
  @Test
  void onlyCriuIsRaised() throws Exception {
    try (ResumeGate gate = ResumeGate.open(RUNNER, work, Duration.ofSeconds(10), HostClock.SYSTEM, reached -> reached)) {
      assertThat(runScript(gate, "pre-resume").exitCode()).isZero();
    }
    assertThat(SchedulingPolicy.ofProcess(ProcessHandle.current().pid())).isEqualTo(SchedulingPolicy.SCHED_OTHER);
  }

  /** As CRIU runs action scripts: {@code sh -c PATH}. */
  private static ProcessResult runScript(ResumeGate gate, String action) {
    return RUNNER.run(ProcessSpec.of("sh", "-c", gate.script().toString()).withEnv(Map.of("CRTOOLS_SCRIPT_ACTION", action))
        .withTimeout(Duration.ofSeconds(30)));
  }
}
