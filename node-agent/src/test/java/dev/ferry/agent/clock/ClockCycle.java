package dev.ferry.agent.clock;

import dev.ferry.agent.runtime.CheckpointOptions;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.testkit.Heartbeat;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.timesync.ClockCorrection;
import dev.ferry.timesync.ClockOffset;
import dev.ferry.timesync.ClockPolicy;
import dev.ferry.timesync.ClockReading;
import dev.ferry.timesync.CriuLogTimes;
import dev.ferry.timesync.DumpedClocks;
import dev.ferry.timesync.OffsetCorrection;
import dev.ferry.timesync.RestoreLags;
import dev.ferry.timesync.TimensImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One checkpoint, blackout and restore of a running container, with the timens image either
 * left as CRIU wrote it (policy null) or corrected for a policy. Every instant of
 * OffsetCorrection's model is measured, on this host's CLOCK_MONOTONIC: the freeze and the
 * record from the image, the source offsets and dump.log; the offsets being set and the resume
 * from the image and restore.log.
 */
final class ClockCycle {

  /** What one cycle measured. Lags and instants in host monotonic nanoseconds. */
  record Outcome(
      ClockPolicy policy, ClockReading recorded, ClockReading written, Duration recordLag, Duration sinceFreeze,
      RestoreLags expected, RestoreLags actual, Duration blackout, HeartbeatLog.Gap gap, Duration checkpoint, Duration restore,
      Duration gateOpenedAfter) {

    /** How far each clock moved across the blackout, as the container saw it (heartbeat gap + measured blackout). */
    Duration monotonicJump() {
      return gap.monotonic().minus(gap.realtime()).plus(blackout);
    }

    Duration boottimeJump() {
      return gap.boottime().minus(gap.realtime()).plus(blackout);
    }
  }

  private final CrunCommands crun;
  private final ContainerId id;
  private final Path bundle;
  private final Path heartbeats;

  ClockCycle(CrunCommands crun, ContainerId id, Path bundle, Path heartbeats) {
    this.crun = crun;
    this.id = id;
    this.bundle = bundle;
    this.heartbeats = heartbeats;
  }

  /**
   * @param policy   null: restore the image as CRIU wrote it
   * @param expected the restore lags to correct for (from an earlier cycle)
   * @param probed   the target's view of the source's clocks (responder = source)
   */
  Outcome run(Path images, Path work, Duration wait, ClockPolicy policy, RestoreLags expected, ClockOffset probed) {
    return run(images, work, wait, policy, expected, probed, null);
  }

  /** With {@code jit}: the image is fed to CRIU when it reads it and the resume held; expected.untilResume() is the budget. */
  Outcome run(Path images, Path work, Duration wait, ClockPolicy policy, RestoreLags expected, ClockOffset probed,
      JustInTimeRestore jit) {
    Duration gateOpenedAfter = null;
    try {
      Files.createDirectories(images);
      Files.createDirectories(work);
      int pid = crun.state(id).orElseThrow().pid();
      Duration sourceOffset = monotonicOffsetOf(pid);
      long cycleStartReal = realtimeNanos();

      Duration checkpoint = crun.checkpoint(id, CheckpointOptions.dump(images, work)).duration();
      Path timens = TimensImage.locate(images);
      ClockReading recorded = TimensImage.read(timens).clocks();
      Duration recordLag = CriuLogTimes.recordLag(CriuLogTimes.lines(work.resolve("dump.log")));
      // The source's freeze on its own CLOCK_MONOTONIC: when CRIU read the clocks, minus the record lag.
      long sourceFreeze = recorded.monotonic().minus(sourceOffset).minus(recordLag).toNanos();
      long freeze = probed.responderMonotonicToCaller(sourceFreeze);

      Thread.sleep(wait);
      long written = System.nanoTime();
      Duration sinceFreeze = Duration.ofNanos(written - freeze);
      ClockReading image = recorded;
      Duration restore;
      if (jit != null) {
        JustInTimeRestore.Result j = jit.restore(id, bundle, images, work, policy, new DumpedClocks(recorded, recordLag),
            freeze, expected.untilResume());
        image = j.correction().image();
        written = j.handedOver();
        sinceFreeze = Duration.ofNanos(written - freeze);
        restore = j.crun().duration();
        gateOpenedAfter = Duration.ofNanos(j.gateOpened() - j.handedOver());
      } else {
        if (policy != null) {
          ClockCorrection c = OffsetCorrection.compute(policy, new DumpedClocks(recorded, recordLag), sinceFreeze, expected);
          image = c.image();
          TimensImage.read(timens).withClocks(image).write(timens);
        }
        restore = crun.restore(id, bundle, images, work, false, work.resolve("crun.log")).duration();
      }

      List<String> restoreLog = CriuLogTimes.lines(work.resolve("restore.log"));
      long offsetsSet = image.monotonic().minus(CriuLogTimes.monotonicOffset(restoreLog)).toNanos();
      Duration untilResume = CriuLogTimes.untilResume(restoreLog);
      RestoreLags actual = new RestoreLags(Duration.ofNanos(Math.max(0, offsetsSet - written)), untilResume);
      Duration blackout = Duration.ofNanos(offsetsSet - freeze).plus(untilResume);
      return new Outcome(policy, recorded, image, recordLag, sinceFreeze, expected, actual, blackout,
          gapAfter(cycleStartReal), checkpoint, restore, gateOpenedAfter);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The blackout as the heartbeats saw it: the largest gap after the cycle began (waits for a few beats after it). */
  private HeartbeatLog.Gap gapAfter(long startRealNanos) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<Heartbeat> beats = HeartbeatLog.read(heartbeats).beats();
      int first = 0;
      while (first < beats.size() && beats.get(first).realtimeNanos() < startRealNanos) {
        first++;
      }
      first = Math.max(first - 1, 0);
      if (beats.size() - first > 20) {
        HeartbeatLog.Gap worst = null;
        for (int i = first + 1; i < beats.size(); i++) {
          Heartbeat a = beats.get(i - 1);
          Heartbeat b = beats.get(i);
          HeartbeatLog.Gap g = new HeartbeatLog.Gap(a, b, Duration.ofNanos(b.realtimeNanos() - a.realtimeNanos()),
              Duration.ofNanos(b.monotonicNanos() - a.monotonicNanos()), Duration.ofNanos(b.boottimeNanos() - a.boottimeNanos()));
          if (worst == null || g.realtime().compareTo(worst.realtime()) > 0) {
            worst = g;
          }
        }
        return worst;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the restored workload wrote no heartbeats");
      }
      Thread.sleep(20);
    }
  }

  /** The CLOCK_MONOTONIC offset of the container's time namespace, as the kernel reports it. */
  static Duration monotonicOffsetOf(int pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "timens_offsets"))) {
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("monotonic") || f[0].equals("1")) {
        return Duration.ofSeconds(Long.parseLong(f[1]), Long.parseLong(f[2]));
      }
    }
    throw new IllegalStateException("no monotonic offset in /proc/" + pid + "/timens_offsets");
  }

  private static long realtimeNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
