package dev.ferry.agent.clock;

import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.timesync.ClockCorrection;
import dev.ferry.timesync.ClockPolicy;
import dev.ferry.timesync.CriuLogTimes;
import dev.ferry.timesync.DumpedClocks;
import dev.ferry.timesync.OffsetCorrection;
import dev.ferry.timesync.RestoreLags;
import dev.ferry.timesync.TimensImage;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code crun restore} with the clocks decided at the last moment: the timens image is a FIFO
 * that receives its corrected values the instant CRIU reads it (so the instant CRIU sets the
 * offsets is known to microseconds), and a CRIU pre-resume action script (through
 * {@code CRIU_CONFIG_FILE}) holds the restored tasks until the hold is over, counted from the
 * instant CRIU set the offsets (read back from its restore log).
 */
final class JustInTimeRestore {

  /** @param handedOver host monotonic ns when CRIU opened the image; gateOpened when pre-resume began */
  record Result(ClockCorrection correction, long handedOver, long gateOpened, long released, ProcessResult crun) {}

  private final ProcessRunner runner;
  private final Path crunRoot;

  JustInTimeRestore(ProcessRunner runner, Path crunRoot) {
    this.runner = runner;
    this.crunRoot = crunRoot;
  }

  Result restore(ContainerId id, Path bundle, Path images, Path work, ClockPolicy policy, DumpedClocks dumped,
      long freezeNanos, Duration resumeBudget) {
    try {
      Path timens = TimensImage.locate(images);
      TimensImage original = TimensImage.read(timens);
      Files.delete(timens);
      Path gate = work.resolve("resume-gate");
      Files.deleteIfExists(gate);
      runner.runChecked(ProcessSpec.of("mkfifo", timens.toString(), gate.toString()));
      Path hook = work.resolve("ferry-resume-gate.sh");
      Files.writeString(hook, "#!/bin/sh\n[ \"$CRTOOLS_SCRIPT_ACTION\" = pre-resume ] || exit 0\nexec cat " + gate + " >/dev/null\n");
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path config = work.resolve("criu.conf");
      Files.writeString(config, "action-script " + hook + "\n");

      RestoreLags lags = new RestoreLags(Duration.ZERO, resumeBudget);
      CompletableFuture<long[]> feeder = new CompletableFuture<>();
      CompletableFuture<ClockCorrection> decided = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (OutputStream out = new FileOutputStream(timens.toFile())) {
          long handed = System.nanoTime();
          ClockCorrection c = OffsetCorrection.compute(policy, dumped, Duration.ofNanos(handed - freezeNanos), lags);
          out.write(original.withClocks(c.image()).toBytes());
          decided.complete(c);
          feeder.complete(new long[] {handed});
        } catch (Throwable e) {
          decided.completeExceptionally(e);
          feeder.completeExceptionally(e);
        }
      });
      CompletableFuture<long[]> gateKeeper = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (OutputStream out = new FileOutputStream(gate.toFile())) {
          long opened = System.nanoTime();
          // Hold from the instant CRIU really set the offsets (its log, long written by now), not from the hand-over:
          // CRIU takes a few ms between reading the image and setting them.
          ClockCorrection c = decided.get(1, TimeUnit.MINUTES);
          long offsetsSet = c.image().monotonic()
              .minus(CriuLogTimes.monotonicOffset(CriuLogTimes.lines(work.resolve("restore.log")))).toNanos();
          long release = offsetsSet + OffsetCorrection.resumeHold(policy, lags).toNanos();
          while (System.nanoTime() < release - 200_000) {
            LockSupport.parkNanos(Math.max(50_000, release - System.nanoTime() - 200_000));
          }
          while (System.nanoTime() < release) {
            Thread.onSpinWait();
          }
          gateKeeper.complete(new long[] {opened, System.nanoTime()});
        } catch (Throwable e) {
          gateKeeper.completeExceptionally(e);
        }
      });

      ProcessResult r = runner.run(ProcessSpec.of(List.of("crun", "--root", crunRoot.toString(), "restore", "--detach",
              "--bundle", bundle.toString(), "--image-path", images.toString(), "--work-path", work.toString(), id.value()))
          .withEnv(Map.of("CRIU_CONFIG_FILE", config.toString()))
          .withStdoutFile(work.resolve("crun.log"))
          .withTimeout(Duration.ofMinutes(2)));
      if (!r.succeeded()) {
        throw new IllegalStateException("crun restore failed: " + r.stderrTail(5));
      }
      long[] gateTimes = gateKeeper.get(10, TimeUnit.SECONDS);
      return new Result(decided.get(10, TimeUnit.SECONDS), feeder.get()[0], gateTimes[0], gateTimes[1], r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("just-in-time restore failed", e);
    }
  }
}
