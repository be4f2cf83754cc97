package dev.ferry.transfer.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.nativeio.Xxh3;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WholeFileHashTest {
  @Test
  void digestsAreTheReferenceValuesBigEndian() {
    // XXH3-128 and SHA-256 of no bytes, as xxHash's and FIPS 180-4's test vectors give them.
    assertThat(HexFormat.of().formatHex(WholeFileHash.XXH3_128.start().finish())).isEqualTo("99aa06d3014798d86001c324468d497f");
    assertThat(HexFormat.of().formatHex(WholeFileHash.SHA256.start().finish()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @ParameterizedTest
  @EnumSource(WholeFileHash.class)
  void aFileHashedInChunksHashesAsAWholeAndAnyChangedByteChangesIt(WholeFileHash hash) {
    byte[] data = new byte[1 << 20];
    new Random(5).nextBytes(data);
    WholeFileHash.Digest whole = hash.start();
    whole.update(data, 0, data.length);
    WholeFileHash.Digest chunked = hash.start();
    for (int offset = 0; offset < data.length; offset += 4096 + 17) {
      chunked.update(data, offset, Math.min(4096 + 17, data.length - offset));
    }
    byte[] expected = whole.finish();
    assertThat(chunked.finish()).isEqualTo(expected);
    data[data.length / 2] ^= 1;
    WholeFileHash.Digest changed = hash.start();
    changed.update(data, 0, data.length);
    assertThat(changed.finish()).isNotEqualTo(expected);
  }

  @Test
  void theSystemsLibxxhashIsUsed() {
    // setup-host.sh installs libxxhash0: without it every transfer hashes at a fifth of the speed.
    assertThat(Xxh3.library()).as("libxxhash.so.0 with XXH3_128bits_update_dispatch").isPresent();
  }

  @Test
  void nativeAndJavaXxh3GiveTheSameDigestWhateverTheLengthsAndSplits() {
    Xxh3 library = Xxh3.library().orElseThrow();
    Random random = new Random(11);
    // Lengths around XXH3's internal boundaries (16, 128, 240 bytes, 1 KiB stripes, 64 KiB blocks) and beyond.
    int[] lengths = {0, 1, 3, 16, 17, 128, 129, 240, 241, 1023, 1024, 1025, 65_535, 65_536, 65_537, 1 << 20, (1 << 20) + 7};
    for (int length : lengths) {
      byte[] data = new byte[length + 5];
      random.nextBytes(data);
      for (int split : new int[] {1, 64, 4096 + 17, length + 1}) {
        WholeFileHash.Digest nativeDigest = WholeFileHash.nativeXxh3(library);
        WholeFileHash.Digest javaDigest = WholeFileHash.javaXxh3();
        for (int offset = 0; offset < length; offset += split) {
          int n = Math.min(split, length - offset);
          nativeDigest.update(data, 5 + offset, n);
          javaDigest.update(data, 5 + offset, n);
        }
        assertThat(nativeDigest.finish()).as("%d bytes in pieces of %d", length, split).isEqualTo(javaDigest.finish());
      }
    }
  }

  @Test
  void aPooledStateStartsFresh() {
    Xxh3 library = Xxh3.library().orElseThrow();
    byte[] data = "what the last file left behind".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 100; i++) {
      WholeFileHash.Digest used = WholeFileHash.nativeXxh3(library);
      used.update(data, 0, data.length);
      used.finish();
      assertThat(HexFormat.of().formatHex(WholeFileHash.nativeXxh3(library).finish()))
          .isEqualTo("99aa06d3014798d86001c324468d497f");
    }
  }
}
