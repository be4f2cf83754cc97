package dev.ferry.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.timesync.ClockReading;
import dev.ferry.timesync.TimensImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timens image as a real FIFO, read by a real process as CRIU reads it. */
class TimensFeederIT {
  private static final ProcessRunner RUNNER = new SystemProcessRunner();
  private static final ClockReading RECORDED = ClockReading.ofNanos(864_000_123_456_789L, 1_728_000_987_654_321L);
  private static final ClockReading DECIDED = ClockReading.ofNanos(864_002_000_000_000L, 1_728_003_000_000_000L);

  @TempDir
  Path images;
  Path image;

  @BeforeEach
  void dump() throws Exception {
    image = images.resolve("timens-4026532001.img");
    Files.write(image, TimensImage.of(RECORDED).toBytes());
  }

  @Test
  void theReaderGetsTheClocksDecidedWhenItOpens() throws Exception {
    long[] openedAt = new long[1];
    try (TimensFeeder feeder = TimensFeeder.start(RUNNER, images, HostClock.SYSTEM, opened -> {
      openedAt[0] = opened;
      return DECIDED;
    })) {
      assertThat(Files.isRegularFile(image)).as("a FIFO now").isFalse();
      long before = System.nanoTime();
      assertThat(readAsCriu()).isEqualTo(DECIDED);
      TimensFeeder.HandOver h = feeder.awaitHandOver(Duration.ofSeconds(5));
      assertThat(h.fallback()).isNull();
      assertThat(h.atMonotonic()).isEqualTo(openedAt[0]).isGreaterThan(before);
    }
    assertThat(image).isRegularFile();
    assertThat(TimensImage.read(image).clocks()).as("the recorded image is back").isEqualTo(RECORDED);
  }

  @Test
  void clocksThatCannotBeDecidedAreTheRecordedOnes() throws Exception {
    try (TimensFeeder feeder = TimensFeeder.start(RUNNER, images, HostClock.SYSTEM, opened -> {
      throw new IllegalArgumentException("no freeze instant");
    })) {
      assertThat(readAsCriu()).isEqualTo(RECORDED);
      assertThat(feeder.awaitHandOver(Duration.ofSeconds(5)).fallback()).contains("no freeze instant");
    }
  }

  @Test
  void aReaderThatNeverComesDoesNotHangTheAgent() throws Exception {
    TimensFeeder feeder = TimensFeeder.start(RUNNER, images, HostClock.SYSTEM, opened -> DECIDED);
    long start = System.nanoTime();
    feeder.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(feeder.awaitHandOver(Duration.ofSeconds(1)).fallback()).isNotNull();
    assertThat(TimensImage.read(image).clocks()).isEqualTo(RECORDED);
  }

  private ClockReading readAsCriu() throws Exception {
    Path copy = images.resolve("read-by-criu.img");
    RUNNER.runChecked(ProcessSpec.of("sh", "-c", "cat \"$0\" > \"$1\"", image.toString(), copy.toString()).withTimeout(Duration.ofSeconds(10)));
    return TimensImage.read(copy).clocks();
  }
}
