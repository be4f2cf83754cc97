package dev.ferry.timesync;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Fuzzes the timens image reader: the bytes come from an image directory a peer sent. Any input
 * either parses into clocks that are valid (non-negative, normalized) and survive Ferry's own
 * rewrite unchanged, or is refused with a {@link CriuImageException} naming the file. Any other
 * exception is a finding. Seeds (TimensImageFuzzTestInputs/): a real CRIU 4.2 image, truncated,
 * wrong magic, wrong entry length, tv_nsec out of range, a huge tv_sec.
 */
class TimensImageFuzzTest {
  private static final Path FILE = Path.of("/ferry-fuzz/images/timens-13.img");
  private static final ClockReading OTHER = new ClockReading(Duration.ofSeconds(5, 7), Duration.ofSeconds(9, 11));

  @FuzzTest(maxDuration = "45s")
  void anImageGivesValidClocksOrIsRefused(byte[] input) {
    TimensImage image;
    try {
      image = TimensImage.parse(FILE, input);
    } catch (CriuImageException refused) {
      return;
    }
    ClockReading clocks = image.clocks();
    if (clocks.monotonic().isNegative() || clocks.boottime().isNegative()) {
      throw new AssertionError("accepted negative clocks " + clocks);
    }
    ClockReading reread = TimensImage.parse(FILE, image.toBytes()).clocks();
    if (!reread.equals(clocks)) {
      throw new AssertionError("rewriting the image changed its clocks from " + clocks + " to " + reread);
    }
    ClockReading rewritten = TimensImage.parse(FILE, image.withClocks(OTHER).toBytes()).clocks();
    if (!rewritten.equals(OTHER)) {
      throw new AssertionError("an image rewritten with " + OTHER + " reads back as " + rewritten);
    }
  }
}
