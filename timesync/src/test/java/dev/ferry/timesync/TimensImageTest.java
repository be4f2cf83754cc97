package dev.ferry.timesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a timens image that CRIU 4.2.1 really wrote (see criu-images/README.md). */
class TimensImageTest {
  // The fixture container ran with offsets +10 days / +20 days on a host up ~4403 s.
  private static final ClockReading DUMPED = new ClockReading(
      Duration.ofSeconds(868_403, 849_301_655), Duration.ofSeconds(1_732_403, 849_301_725));

  @TempDir
  Path dir;

  @Test
  void readsTheClocksCriuRecorded() throws IOException {
    TimensImage image = TimensImage.read(fixture());

    assertThat(image.clocks()).isEqualTo(DUMPED);
    // Sanity of the fixture itself: the clocks carry the namespace's offsets.
    assertThat(image.clocks().monotonic()).isGreaterThan(Duration.ofDays(10));
    assertThat(image.clocks().boottime().minus(image.clocks().monotonic())).isCloseTo(Duration.ofDays(10), Duration.ofSeconds(1));
  }

  @Test
  void anUnmodifiedImageRoundTripsByteForByte() throws IOException {
    Path file = fixture();
    byte[] original = Files.readAllBytes(file);

    assertThat(TimensImage.read(file).toBytes()).isEqualTo(original);
    assertThat(TimensImage.of(DUMPED).toBytes()).isEqualTo(original);
  }

  @Test
  void writesModifiedValuesThatReadBack() throws IOException {
    Path file = fixture();
    ClockReading corrected = new ClockReading(DUMPED.monotonic().minusMillis(668), DUMPED.boottime().plusSeconds(3));

    TimensImage.read(file).withClocks(corrected).write(file);

    assertThat(TimensImage.read(file).clocks()).isEqualTo(corrected);
    byte[] bytes = Files.readAllBytes(file);
    assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(Arrays.copyOf(Files.readAllBytes(pristine()), 8));
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers).containsExactly(file);
    }
  }

  @Test
  void locatesTheOneTimensImageOfADump() throws IOException {
    Path file = fixture();
    Files.copy(pristine().resolveSibling("inventory.img"), dir.resolve("inventory.img"));

    assertThat(TimensImage.locate(dir)).isEqualTo(file);
  }

  @Test
  void aDumpWithoutTimeNamespaceIsNamedAsSuch() {
    assertThatThrownBy(() -> TimensImage.locate(dir))
        .isInstanceOf(CriuImageException.class).hasMessageContaining("holds no timens-*.img");
  }

  @Test
  void refusesAnotherImageTypeWithItsMagic() throws IOException {
    Path inventory = dir.resolve("inventory.img");
    Files.copy(pristine().resolveSibling("inventory.img"), inventory);

    assertThatThrownBy(() -> TimensImage.read(inventory))
        .isInstanceOf(CriuImageException.class)
        .hasMessageContaining(inventory.toString())
        .hasMessageContaining("expected 0x54564319 0x43114433");
  }

  @Test
  void refusesATruncatedImage() throws IOException {
    Path file = dir.resolve("timens-1.img");
    byte[] original = Files.readAllBytes(pristine());
    Files.write(file, Arrays.copyOf(original, original.length - 3));

    assertThatThrownBy(() -> TimensImage.read(file))
        .isInstanceOf(CriuImageException.class).hasMessageContaining("declares an entry of 24 bytes but 21 bytes follow");
  }

  @Test
  void refusesANegativeClock() {
    assertThatThrownBy(() -> ClockReading.ofNanos(-1, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  private Path fixture() throws IOException {
    Path file = dir.resolve("timens-13.img");
    Files.copy(pristine(), file);
    return file;
  }

  private static Path pristine() {
    try (InputStream probe = TimensImageTest.class.getResourceAsStream("/criu-images/timens-13.img")) {
      if (probe == null) {
        throw new IllegalStateException("fixture criu-images/timens-13.img is missing from the test classpath");
      }
      return Path.of(TimensImageTest.class.getResource("/criu-images/timens-13.img").toURI());
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
