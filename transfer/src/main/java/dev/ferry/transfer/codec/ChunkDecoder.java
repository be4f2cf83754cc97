package dev.ferry.transfer.codec;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.ferry.transfer.TransferException;
import java.util.zip.CRC32C;

/** Restores and verifies wire chunks. One per receiving call (it holds a native zstd context). */
public final class ChunkDecoder implements AutoCloseable {
  private final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
  private final CRC32C crc = new CRC32C();

  /**
   * Returns the raw bytes of a non-zero chunk, verified against its CRC32C: a raw chunk's data
   * itself, a compressed one's in a new array.
   *
   * @throws TransferException IMAGE_CHECKSUM_MISMATCH if the bytes are not what the sender read
   */
  public ByteSlice decode(Codec codec, ByteSlice data, int rawLength, int crc32c, String where) {
    ByteSlice raw = switch (codec) {
      case NONE -> data;
      case ZSTD -> ByteSlice.of(decompress(data, rawLength, where));
      case ZERO -> throw new IllegalArgumentException("zero chunks carry no data");
    };
    if (raw.length() != rawLength) {
      throw TransferException.checksum(where + ": chunk has " + raw.length() + " bytes, header says " + rawLength);
    }
    crc.reset();
    crc.update(raw.array(), raw.offset(), rawLength);
    if ((int) crc.getValue() != crc32c) {
      throw TransferException.checksum(where + ": chunk CRC32C mismatch (expected %08x, got %08x)"
          .formatted(crc32c, (int) crc.getValue()));
    }
    return raw;
  }

  private byte[] decompress(ByteSlice data, int rawLength, String where) {
    byte[] raw = new byte[rawLength];
    try {
      int n = zstd.decompressByteArray(raw, 0, rawLength, data.array(), data.offset(), data.length());
      if (n != rawLength) {
        throw TransferException.checksum(where + ": chunk decompressed to " + n + " bytes, header says " + rawLength);
      }
      return raw;
    } catch (ZstdException e) {
      throw TransferException.checksum(where + ": chunk does not decompress (" + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    zstd.close();
  }
}
