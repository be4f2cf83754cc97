package dev.ferry.agent.clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.runtime.TimeOffsets;
import dev.ferry.timesync.ClockReading;
import dev.ferry.timesync.CriuLogTimes;
import dev.ferry.timesync.DumpedClocks;
import dev.ferry.timesync.TimensImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The freeze of a dump, as the target needs it to apply a clock policy: when CRIU froze the
 * container (source realtime) and how long after the freeze CRIU recorded the clocks into the
 * timens image (from dump.log). Kept as {@link #FILE} inside the image directory, so it travels
 * with the images. The timens image itself holds the recorded clocks.
 *
 * @param frozenAtEpochNanos the freeze on the source's CLOCK_REALTIME, to the microsecond: derived
 *                           from the recorded clocks, the container's namespace offsets and the lag
 * @param recordLagNanos     t_r - t_f, see {@link CriuLogTimes#recordLag}
 */
public record FreezeRecord(long frozenAtEpochNanos, long recordLagNanos) {
  public static final String FILE = "ferry-clocks.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads a finished dump: the timens image, dump.log, and the container's offsets (unchanged by
   * the dump). Empty when the container had no time namespace of its own or CRIU's log says too little.
   */
  public static Optional<FreezeRecord> measure(Path images, Path work, TimeOffsets sourceOffsets, HostClock host) {
    try {
      ClockReading recorded = TimensImage.read(TimensImage.locate(images)).clocks();
      Duration lag = CriuLogTimes.recordLag(CriuLogTimes.lines(work.resolve("dump.log")));
      long freezeMono = recorded.monotonic().minus(sourceOffsets.monotonic()).minus(lag).toNanos();
      return Optional.of(new FreezeRecord(host.realtimeAtMonotonic(freezeMono), lag.toNanos()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public Instant frozenAt() {
    return Instant.ofEpochSecond(0, frozenAtEpochNanos);
  }

  public Duration recordLag() {
    return Duration.ofNanos(recordLagNanos);
  }

  /** The container's clocks at the freeze, from what CRIU recorded. */
  public DumpedClocks dumped(ClockReading recorded) {
    return new DumpedClocks(recorded, recordLag());
  }

  public void write(Path images) {
    try {
      JSON.writeValue(images.resolve(FILE).toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + FILE + " into " + images, e);
    }
  }

  public static FreezeRecord read(Path images) {
    Path file = images.resolve(FILE);
    try {
      return JSON.readValue(file.toFile(), FreezeRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dump's freeze record " + file + ": " + e.getMessage(), e);
    }
  }
}
