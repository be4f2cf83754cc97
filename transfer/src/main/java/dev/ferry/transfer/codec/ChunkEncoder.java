package dev.ferry.transfer.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Turns raw chunks into wire chunks: zero chunks by length only, zero pages (when the receiver
 * takes them) by a map only, compressible chunks through zstd, incompressible ones raw. One per
 * sending thread (it holds a native zstd context).
 */
public final class ChunkEncoder implements AutoCloseable {
  /** Below this compressed/raw ratio compression pays for itself; above it the chunk goes raw. */
  static final double WORTHWHILE_RATIO = 0.97;

  private final ZstdCompressCtx zstd = new ZstdCompressCtx();
  private final CRC32C crc = new CRC32C();
  private byte[] zeros = new byte[0];
  private int currentLevel = Integer.MIN_VALUE;

  /** A chunk of a byte stream, every page in it (a relay's stream has no pages to leave out). */
  public EncodedChunk encode(byte[] raw, int length, Integer level) {
    return encode(raw, length, level, false);
  }

  /**
   * @param level         a zstd level, or {@code null} to send non-zero chunks raw
   * @param skipZeroPages leave zero pages out, under a {@link ZeroPages} map
   */
  public EncodedChunk encode(byte[] raw, int length, Integer level, boolean skipZeroPages) {
    if (isZero(raw, length)) {
      return new EncodedChunk(Codec.ZERO, 0, new byte[0], 0, length, 0, ZeroPages.none());
    }
    byte[] map = skipZeroPages ? ZeroPages.map(raw, length) : ZeroPages.none();
    byte[] packed = map.length == 0 ? null : ZeroPages.pack(raw, length, map);
    byte[] in = packed == null ? raw : packed;
    int inLength = packed == null ? length : packed.length;
    crc.reset();
    crc.update(in, 0, inLength);
    int checksum = (int) crc.getValue();
    if (level != null) {
      if (level != currentLevel) {
        zstd.setLevel(level);
        currentLevel = level;
      }
      byte[] out = new byte[(int) Zstd.compressBound(inLength)];
      int n = zstd.compressByteArray(out, 0, out.length, in, 0, inLength);
      if (n < inLength * WORTHWHILE_RATIO) {
        return new EncodedChunk(Codec.ZSTD, level, out, n, length, checksum, map);
      }
    }
    byte[] data = packed == null ? Arrays.copyOf(raw, length) : packed;
    return new EncodedChunk(Codec.NONE, 0, data, inLength, length, checksum, map);
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
