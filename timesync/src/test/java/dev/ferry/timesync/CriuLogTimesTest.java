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
    // "(00.057173) freezing processes: 0 attempts done" ... "(00.122910) Dump TIME namespace 13 via 24701"
    assertThat(CriuLogTimes.recordLag(log("dump.log"))).isEqualTo(Duration.ofNanos(65_737_000));
  }

  @Test
  void theRestoreSetTheOffsetsLongBeforeTheTasksResumed() {
    // "(00.138824) 1: timens: monotonic 863979 878502747" ... "(00.493120) Restore finished successfully."
    assertThat(CriuLogTimes.untilResume(log("restore.log"))).isEqualTo(Duration.ofNanos(354_296_000));
    assertThat(CriuLogTimes.monotonicOffset(log("restore.log"))).isEqualTo(Duration.ofSeconds(863_979, 878_502_747));
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
