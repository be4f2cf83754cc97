package dev.ferry.timesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against the logs of a real crun checkpoint and restore (criu-images/README.md). */
class CriuLogTimesTest {

  @Test
  void theDumpRecordedTheClocksLongAfterTheFreeze() {
    // "(00.058445) freezing processes: 0 attempts done" ... "(00.192888) Dump TIME namespace 13 via 6707"
    assertThat(CriuLogTimes.recordLag(log("dump.log"))).isEqualTo(Duration.ofNanos(134_443_000));
  }

  @Test
  void theRestoreSetTheOffsetsLongBeforeTheTasksResumed() {
    // "(00.075092) 1: timens: monotonic 863999 767652765" ... "(00.508240) Restore finished successfully."
    assertThat(CriuLogTimes.untilResume(log("restore.log"))).isEqualTo(Duration.ofNanos(433_148_000));
    assertThat(CriuLogTimes.monotonicOffset(log("restore.log"))).isEqualTo(Duration.ofSeconds(863_999, 767_652_765));
  }

  @Test
  void withoutAFreezerCgroupTheFirstSeizedTaskMarksTheFreeze() {
    List<String> ptraceOnly = List.of("(00.010000) Seized task 42, state 1", "(01.250500) Dump TIME namespace 7 via 42");
    assertThat(CriuLogTimes.recordLag(ptraceOnly)).isEqualTo(Duration.ofMillis(1240).plusNanos(500_000));
  }

  @Test
  void aDumpWithoutTimeNamespaceSaysSo() {
    assertThatThrownBy(() -> CriuLogTimes.recordLag(List.of("(00.010000) freezing processes: 0 attempts done")))
        .hasMessageContaining("no time namespace dump");
    assertThatThrownBy(() -> CriuLogTimes.untilResume(List.of())).hasMessageContaining("no time namespace offsets");
  }

  private static List<String> log(String name) {
    try {
      return CriuLogTimes.lines(Path.of(CriuLogTimesTest.class.getResource("/criu-images/" + name).toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
