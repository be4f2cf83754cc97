package dev.ferry.testkit;

import static org.awaitility.Awaitility.await;

import dev.ferry.agent.NodeLayout;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.agent.runtime.CheckpointOptions;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.ContainerSpec;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.agent.runtime.OciConfig;
import dev.ferry.agent.runtime.StdioShim;
import dev.ferry.agent.runtime.TimeOffsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The tracer bullet: the workload in a crun container with its own time namespace,
 * checkpointed with CRIU, left dead for a while, restored on the same host. The test suite
 * asserts on the result; the README's demo prints it.
 */
public final class CheckpointRestoreScenario {

  /** What happened, measured from outside (durations) and from inside (heartbeats). */
  public record Result(
      int memoryMiB,
      Duration checkpoint,
      Duration restore,
      Duration waited,
      long imageBytes,
      TimeOffsets configuredOffsets,
      Duration observedMonotonicOffset,
      Duration observedBoottimeOffset,
      HeartbeatLog.Gap blackout,
      HeartbeatLog log,
      long passesBeforeCheckpoint,
      boolean runningAfterCheckpoint) {

    /** How much of the blackout CLOCK_MONOTONIC saw (CRIU pauses it, but dump and restore time leak in). */
    public Duration monotonicJump() {
      return blackout.monotonic();
    }

    public long passesAfterRestore() {
      return log.last().verifiedPasses() - passesBeforeCheckpoint;
    }
  }

  private final Path workDir;
  private final ProcessRunner runner = new SystemProcessRunner();

  public CheckpointRestoreScenario(Path workDir) {
    this.workDir = workDir;
  }

  public Result run(int memoryMiB, Duration wait, TimeOffsets offsets) {
    NodeLayout node = new NodeLayout(workDir.resolve("node")).create();
    ContainerId id = new ContainerId("tracer");
    CrunCommands crun = new CrunCommands(runner, node.crunRoot(), Timing.scaled(Duration.ofMinutes(2)));
    Path rootfs = TestRootfs.build(node.rootfs(id));
    Path heartbeats = rootfs.resolve(TestRootfs.HEARTBEAT.substring(1));
    ContainerSpec spec = ContainerSpec.of(id, rootfs, TestRootfs.workloadArgs(memoryMiB, 4, 5)).withTimeOffsets(offsets);
    OciConfig oci = new OciConfig(new StdioShim(Path.of("/bin/busybox")), "/ferry/tracer-" + ProcessHandle.current().pid());
    write(node.bundle(id).resolve("config.json"), oci.render(spec));

    crun.run(id, node.bundle(id), node.crunLog(id));
    try {
      // Running, and the whole memory verified at least once, before we checkpoint.
      await().atMost(Timing.seconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(heartbeats) && HeartbeatLog.read(heartbeats).size() > 50
              && HeartbeatLog.read(heartbeats).last().verifiedPasses() >= 1);
      HeartbeatLog before = HeartbeatLog.read(heartbeats);
      Heartbeat beat = before.last();
      Duration monoOffset = HostClocks.offsetOf(beat.monotonicNanos(), beat.realtimeNanos(), HostClocks.monotonicNanos());
      Duration bootOffset = HostClocks.offsetOf(beat.boottimeNanos(), beat.realtimeNanos(), HostClocks.boottimeNanos());

      Path images = node.images(id, "final");
      Path work = node.work(id, "final");
      Files.createDirectories(images);
      Files.createDirectories(work);
      long passesBefore = HeartbeatLog.read(heartbeats).last().verifiedPasses();
      Duration checkpoint = crun.checkpoint(id, CheckpointOptions.dump(images, work)).duration();
      boolean stillRunning = crun.state(id).isPresent();

      sleep(wait);
      Duration restore = crun.restore(id, node.bundle(id), images, work, false, node.crunLog(id)).duration();
      // After restore: another full verification pass of the memory, so a corruption would show.
      await().atMost(Timing.seconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> HeartbeatLog.read(heartbeats).last().verifiedPasses() >= passesBefore + 2);
      HeartbeatLog after = HeartbeatLog.read(heartbeats);
      return new Result(memoryMiB, checkpoint, restore, wait, sizeOf(images), offsets, monoOffset, bootOffset,
          after.largestGap(), after, passesBefore, stillRunning);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      crun.kill(id, "KILL");
      crun.delete(id, true);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
