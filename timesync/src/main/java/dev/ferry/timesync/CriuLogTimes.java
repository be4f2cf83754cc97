package dev.ferry.timesync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instants of {@link OffsetCorrection}'s model that only CRIU sees, read from the
 * timestamps of its logs ({@code (seconds.micros)} since CRIU started, at CRIU's default log
 * level, which crun uses).
 */
public final class CriuLogTimes {
  private static final Pattern LINE = Pattern.compile("^\\((\\d+)\\.(\\d{6})\\)\\s*(.*)$");
  private static final Pattern OFFSET = Pattern.compile("timens: monotonic (-?\\d+) (\\d+)");

  private CriuLogTimes() {}

  /**
   * t_r - t_f of a dump: from the freezer cgroup being frozen ("freezing processes: ... done",
   * cgroup v1 and v2; the first seized task when CRIU froze by ptrace alone) to CRIU reading the
   * container's clocks ("Dump TIME namespace").
   */
  public static Duration recordLag(List<String> dumpLog) {
    Duration frozen = first(dumpLog, t -> t.startsWith("freezing processes:"))
        .or(() -> first(dumpLog, t -> t.startsWith("Seized task")))
        .orElseThrow(() -> new IllegalArgumentException("the dump log shows no freeze (no 'freezing processes:' nor 'Seized task' line)"));
    Duration recorded = first(dumpLog, t -> t.startsWith("Dump TIME namespace"))
        .orElseThrow(() -> new IllegalArgumentException("the dump log shows no time namespace dump ('Dump TIME namespace'):"
            + " the container has no time namespace of its own"));
    return recorded.minus(frozen);
  }

  /** t_u - t_s of a restore: from CRIU setting the namespace offsets to the tasks resuming. */
  public static Duration untilResume(List<String> restoreLog) {
    Duration set = first(restoreLog, t -> t.contains("timens: monotonic"))
        .orElseThrow(() -> new IllegalArgumentException("the restore log shows no time namespace offsets ('timens: monotonic')"));
    Duration resumed = first(restoreLog, t -> t.startsWith("Restore finished successfully"))
        .orElseThrow(() -> new IllegalArgumentException("the restore log does not show a finished restore"));
    return resumed.minus(set);
  }

  /** The CLOCK_MONOTONIC offset CRIU gave the restored namespace (container minus host). */
  public static Duration monotonicOffset(List<String> restoreLog) {
    for (String line : restoreLog) {
      Matcher m = OFFSET.matcher(line);
      if (m.find()) {
        return Duration.ofSeconds(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
      }
    }
    throw new IllegalArgumentException("the restore log shows no time namespace offsets ('timens: monotonic')");
  }

  public static List<String> lines(Path log) {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRIU log " + log, e);
    }
  }

  private static Optional<Duration> first(List<String> log, Predicate<String> text) {
    for (String line : log) {
      Matcher m = LINE.matcher(line);
      if (m.matches() && text.test(m.group(3).strip())) {
        return Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1))).plusNanos(Long.parseLong(m.group(2)) * 1000));
      }
    }
    return Optional.empty();
  }
}
