package dev.ferry.transfer.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Turns raw chunks into wire chunks: zero chunks by length only, compressible chunks through
 * zstd, incompressible ones raw. One per sending thread (it holds a native zstd context).
 */
public final class ChunkEncoder implements AutoCloseable {
  /** Below this compressed/raw ratio compression pays for itself; above it the chunk goes raw. */
  static final double WORTHWHILE_RATIO = 0.97;

  private final ZstdCompressCtx zstd = new ZstdCompressCtx();
  private final CRC32C crc = new CRC32C();
  private byte[] zeros = new byte[0];
  private int currentLevel = Integer.MIN_VALUE;

  /**
   * @param level a zstd level, or {@code null} to send non-zero chunks raw
   */
  public EncodedChunk encode(byte[] raw, int length, Integer level) {
    if (isZero(raw, length)) {
      return new EncodedChunk(Codec.ZERO, 0, new byte[0], 0, length, 0);
    }
    crc.reset();
    crc.update(raw, 0, length);
    int checksum = (int) crc.getValue();
    if (level != null) {
      if (level != currentLevel) {
        zstd.setLevel(level);
        currentLevel = level;
      }
      byte[] out = new byte[(int) Zstd.compressBound(length)];
      int n = zstd.compressByteArray(out, 0, out.length, raw, 0, length);
      if (n < length * WORTHWHILE_RATIO) {
        return new EncodedChunk(Codec.ZSTD, level, out, n, length, checksum);
      }
    }
    return new EncodedChunk(Codec.NONE, 0, Arrays.copyOf(raw, length), length, length, checksum);
  }

  private boolean isZero(byte[] raw, int length) {
    if (zeros.length < length) {
      zeros = new byte[length];
    }
    // Arrays.mismatch is vectorized by the JIT: far cheaper than compressing a zero page.
    return Arrays.mismatch(raw, 0, length, zeros, 0, length) < 0;
  }

  @Override
  public void close() {
    zstd.close();
  }
}
