package dev.ferry.timesync;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Fuzzes the reader of CRIU's dump and restore logs (text CRIU writes, partly from what the
 * container shows it: task names, paths). Every question asked of a log either gets a duration or
 * an {@link IllegalArgumentException} saying what the log lacks; any other exception (an
 * arithmetic overflow, an index error) is a finding. Seeds (CriuLogTimesFuzzTestInputs/): the
 * relevant lines of a real crun checkpoint and restore, reordered, missing, and with huge numbers.
 */
class CriuLogTimesFuzzTest {

  @FuzzTest(maxDuration = "45s")
  void aLogGivesDurationsOrSaysWhatItLacks(byte[] input) {
    List<String> log = new String(input, StandardCharsets.UTF_8).lines().toList();
    ask(() -> CriuLogTimes.recordLag(log));
    ask(() -> CriuLogTimes.untilResume(log));
    ask(() -> CriuLogTimes.monotonicOffset(log));
  }

  private static void ask(java.util.function.Supplier<Duration> question) {
    try {
      if (question.get() == null) {
        throw new AssertionError("a log question answered null");
      }
    } catch (IllegalArgumentException lacking) {
      if (lacking.getMessage() == null || lacking.getMessage().isBlank()) {
        throw new AssertionError("refused without saying why", lacking);
      }
    }
  }
}
