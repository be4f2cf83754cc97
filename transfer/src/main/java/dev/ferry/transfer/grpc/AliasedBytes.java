package dev.ferry.transfer.grpc;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.ferry.transfer.codec.ByteSlice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A parsed message's bytes field where the message holds it, through protobuf's ByteOutput (which
 * hands a flat ByteString's own array out): every received chunk used to be copied out of its
 * message before it was checked, hashed and written, 537 MB of memcpy and garbage per 512 MiB
 * image. A ByteString in pieces (parsing makes flat ones) is copied.
 */
final class AliasedBytes extends ByteOutput {
  private static final ByteSlice EMPTY = ByteSlice.of(new byte[0]);

  /** The one array handed out, while there is exactly one. */
  private ByteSlice only;
  /** Handed out in pieces, byte by byte or as a buffer: copied instead. */
  private boolean notOneArray;

  private AliasedBytes() {}

  static ByteSlice of(ByteString bytes) {
    if (bytes.isEmpty()) {
      return EMPTY;
    }
    AliasedBytes capture = new AliasedBytes();
    try {
      UnsafeByteOperations.unsafeWriteTo(bytes, capture);
    } catch (IOException e) {
      throw new UncheckedIOException("capturing a ByteString's array cannot fail", e);
    }
    return capture.notOneArray || capture.only == null ? ByteSlice.of(bytes.toByteArray()) : capture.only;
  }

  @Override
  public void write(byte value) {
    notOneArray = true;
  }

  @Override
  public void write(byte[] value, int offset, int length) {
    writeLazy(value, offset, length);
  }

  @Override
  public void writeLazy(byte[] value, int offset, int length) {
    notOneArray |= only != null;
    only = new ByteSlice(value, offset, length);
  }

  @Override
  public void write(ByteBuffer value) {
    notOneArray = true; // a buffer (direct, or a view)
  }

  @Override
  public void writeLazy(ByteBuffer value) {
    write(value);
  }
}
