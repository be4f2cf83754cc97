package dev.ferry.transfer.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
  private final ChunkEncoder encoder = new ChunkEncoder();
  private final ChunkDecoder decoder = new ChunkDecoder();

  @Test
  void zeroChunksCarryOnlyTheirLength() {
    EncodedChunk c = encoder.encode(new byte[1 << 20], 1 << 20, 1);
    assertThat(c.codec()).isEqualTo(Codec.ZERO);
    assertThat(c.dataLength()).isZero();
    assertThat(c.rawLength()).isEqualTo(1 << 20);
  }

  @Test
  void textIsCompressedAndRestored() {
    byte[] raw = "ferry moves containers; ".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    EncodedChunk c = encoder.encode(raw, raw.length, 1);
    assertThat(c.codec()).isEqualTo(Codec.ZSTD);
    assertThat(c.dataLength()).isLessThan(raw.length / 10);
    // The compressed bytes in the middle of a larger array, as a parsed message holds them.
    byte[] message = new byte[c.dataLength() + 20];
    System.arraycopy(c.data(), 0, message, 7, c.dataLength());
    ByteSlice back = decoder.decode(c.codec(), new ByteSlice(message, 7, c.dataLength()), c.rawLength(), c.crc32c(), "t");
    assertThat(Arrays.copyOfRange(back.array(), back.offset(), back.offset() + back.length())).isEqualTo(raw);
  }

  @Test
  void rawDataIsVerifiedWhereItLies() {
    byte[] raw = new byte[4096];
    new Random(3).nextBytes(raw);
    EncodedChunk c = encoder.encode(raw, raw.length, null);
    byte[] message = new byte[c.dataLength() + 9];
    System.arraycopy(c.data(), 0, message, 9, c.dataLength());
    ByteSlice data = new ByteSlice(message, 9, c.dataLength());
    assertThat(decoder.decode(c.codec(), data, c.rawLength(), c.crc32c(), "t")).isSameAs(data);
  }

  @Test
  void incompressibleDataGoesRaw() {
    byte[] raw = new byte[256 << 10];
    new Random(1).nextBytes(raw);
    EncodedChunk c = encoder.encode(raw, raw.length, 3);
    assertThat(c.codec()).isEqualTo(Codec.NONE);
    assertThat(Arrays.copyOf(c.data(), c.dataLength())).isEqualTo(raw);
  }

  @Test
  void negativeFastLevelsWork() {
    byte[] raw = "abcabcabd".repeat(10000).getBytes(StandardCharsets.US_ASCII);
    EncodedChunk c = encoder.encode(raw, raw.length, -5);
    assertThat(c.codec()).isEqualTo(Codec.ZSTD);
    assertThat(c.level()).isEqualTo(-5);
  }

  @Test
  void onlyTheGivenLengthIsEncoded() {
    byte[] raw = new byte[100];
    Arrays.fill(raw, 0, 10, (byte) 7);
    EncodedChunk c = encoder.encode(raw, 10, null);
    assertThat(c.rawLength()).isEqualTo(10);
    assertThat(Arrays.copyOf(c.data(), c.dataLength())).containsOnly((byte) 7);
  }

  @Test
  void aFlippedBitIsAChecksumMismatch() {
    byte[] raw = new byte[4096];
    new Random(2).nextBytes(raw);
    EncodedChunk c = encoder.encode(raw, raw.length, null);
    byte[] data = Arrays.copyOf(c.data(), c.dataLength());
    data[100] ^= 1;
    assertThatThrownBy(() -> decoder.decode(c.codec(), ByteSlice.of(data), c.rawLength(), c.crc32c(), "f @0"))
        .isInstanceOfSatisfying(TransferException.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.IMAGE_CHECKSUM_MISMATCH))
        .hasMessageContaining("f @0");
  }

  @Test
  void garbageZstdIsAChecksumMismatch() {
    assertThatThrownBy(() -> decoder.decode(Codec.ZSTD, ByteSlice.of(new byte[] {1, 2, 3, 4, 5}), 100, 0, "g"))
        .isInstanceOfSatisfying(TransferException.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.IMAGE_CHECKSUM_MISMATCH));
  }
}
