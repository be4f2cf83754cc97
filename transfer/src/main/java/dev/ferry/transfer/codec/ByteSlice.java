package dev.ferry.transfer.codec;

import java.util.Objects;

/**
 * Bytes inside an array that is not ours to copy: a received chunk's data aliases the parsed
 * message, so the receiver checks, hashes and writes it where it lies. Read, never written.
 */
public record ByteSlice(byte[] array, int offset, int length) {
  public ByteSlice {
    Objects.checkFromIndexSize(offset, length, array.length);
  }

  /** The {@code length} bytes from {@code from} on, within this slice. */
  public ByteSlice slice(int from, int length) {
    Objects.checkFromIndexSize(from, length, this.length);
    return new ByteSlice(array, offset + from, length);
  }

  public static ByteSlice of(byte[] array) {
    return new ByteSlice(array, 0, array.length);
  }
}
