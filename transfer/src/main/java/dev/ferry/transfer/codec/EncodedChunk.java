package dev.ferry.transfer.codec;

/**
 * One chunk ready for the wire. {@code data} is owned by this chunk (never reused), so it may
 * be wrapped without copying.
 *
 * @param level  the zstd level used, meaningful for {@link Codec#ZSTD} only
 * @param crc32c CRC32C of the raw bytes
 */
public record EncodedChunk(Codec codec, int level, byte[] data, int dataLength, int rawLength, int crc32c) {}
