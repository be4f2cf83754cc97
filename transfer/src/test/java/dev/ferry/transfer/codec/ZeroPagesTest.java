package dev.ferry.transfer.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Zero pages leave a chunk as bits of a map; what is left restores the chunk page for page. */
class ZeroPagesTest {
  private static final int PAGE = ZeroPages.PAGE;
  private final ChunkEncoder encoder = new ChunkEncoder();
  private final ChunkDecoder decoder = new ChunkDecoder();

  /** Pages 1, 2 and 5 zero; page 5 is the partial last one; a single zero byte elsewhere does not make a page zero. */
  private static byte[] chunk() {
    byte[] raw = new byte[5 * PAGE + 100];
    new Random(4).nextBytes(raw);
    Arrays.fill(raw, PAGE, 3 * PAGE, (byte) 0);
    Arrays.fill(raw, 5 * PAGE, raw.length, (byte) 0);
    raw[4 * PAGE + 17] = 0;
    raw[4 * PAGE] = 0;
    return raw;
  }

  @Test
  void mapsExactlyTheZeroPagesIncludingAPartialLastOne() {
    byte[] raw = chunk();
    byte[] map = ZeroPages.map(raw, raw.length);
    assertThat(map).containsExactly(0b100110);
    assertThat(ZeroPages.packedLength(map, raw.length)).isEqualTo(3 * PAGE);
    List<String> runs = new ArrayList<>();
    ZeroPages.forEachRun(map, raw.length, (zero, from, size) -> runs.add((zero ? "zero " : "data ") + from + "+" + size));
    assertThat(runs).containsExactly("data 0+4096", "zero 4096+8192", "data 12288+8192", "zero 20480+100");
  }

  @Test
  void aChunkWithoutZeroPagesHasAnEmptyMapAndOneRun() {
    byte[] raw = new byte[3 * PAGE];
    new Random(5).nextBytes(raw);
    byte[] map = ZeroPages.map(raw, raw.length);
    assertThat(map).isEmpty();
    List<Integer> sizes = new ArrayList<>();
    ZeroPages.forEachRun(map, raw.length, (zero, from, size) -> sizes.add(zero ? -size : size));
    assertThat(sizes).containsExactly(3 * PAGE);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 1})
  void theEncoderLeavesZeroPagesOutAndTheRestRestoresTheChunk(int level) {
    byte[] raw = chunk();
    EncodedChunk c = encoder.encode(raw, raw.length, level < 0 ? null : level, true);
    assertThat(c.zeroPages()).containsExactly(0b100110);
    byte[] packed = copy(decoder.decode(c.codec(), new ByteSlice(c.data(), 0, c.dataLength()),
        ZeroPages.packedLength(c.zeroPages(), raw.length), c.crc32c(), "t"));
    byte[] restored = new byte[raw.length];
    int[] taken = {0};
    ZeroPages.forEachRun(c.zeroPages(), raw.length, (zero, from, size) -> {
      if (!zero) {
        System.arraycopy(packed, taken[0], restored, from, size);
        taken[0] += size;
      }
    });
    assertThat(taken[0]).isEqualTo(packed.length);
    assertThat(restored).isEqualTo(raw);
  }

  @Test
  void aStreamChunkKeepsItsZeroPagesAndAnAllZeroChunkIsOnlyALength() {
    byte[] raw = chunk();
    EncodedChunk dense = encoder.encode(raw, raw.length, null);
    assertThat(dense.zeroPages()).isEmpty();
    assertThat(Arrays.copyOf(dense.data(), dense.dataLength())).isEqualTo(raw);
    EncodedChunk zero = encoder.encode(new byte[2 * PAGE], 2 * PAGE, null, true);
    assertThat(zero.codec()).isEqualTo(Codec.ZERO);
    assertThat(zero.zeroPages()).isEmpty();
  }

  private static byte[] copy(ByteSlice s) {
    return Arrays.copyOfRange(s.array(), s.offset(), s.offset() + s.length());
  }
}
