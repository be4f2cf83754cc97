package dev.ferry.transfer.codec;

import static org.assertj.core.api.Assertions.assertThat;

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
}
