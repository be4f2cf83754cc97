package dev.ferry.transfer.codec;

/**
 * One chunk ready for the wire. {@code data} is owned by this chunk (never reused), so it may
 * be wrapped without copying.
 *
 * @param level      the zstd level used, meaningful for {@link Codec#ZSTD} only
 * @param dataLength the bytes of {@code data} that count
 * @param rawLength  the raw bytes the chunk stands for, zero pages included
 * @param crc32c     CRC32C of the raw bytes {@code data} holds (its non-zero pages)
 * @param zeroPages  a {@link ZeroPages} map of the pages left out, empty for none
 */
public record EncodedChunk(Codec codec, int level, byte[] data, int dataLength, int rawLength, int crc32c, byte[] zeroPages) {

  /** A chunk with every page in it. */
  public EncodedChunk(Codec codec, int level, byte[] data, int dataLength, int rawLength, int crc32c) {
    this(codec, level, data, dataLength, rawLength, crc32c, ZeroPages.none());
  }
}
