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

  private ByteSlice only;
  private int pieces;

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
    return capture.pieces == 1 ? capture.only : ByteSlice.of(bytes.toByteArray());
  }

  @Override
  public void write(byte value) {
    pieces += 2; // byte by byte: not one array
  }

  @Override
  public void write(byte[] value, int offset, int length) {
    writeLazy(value, offset, length);
  }

  @Override
  public void writeLazy(byte[] value, int offset, int length) {
    only = new ByteSlice(value, offset, length);
    pieces++;
  }

  @Override
  public void write(ByteBuffer value) {
    pieces += 2; // a buffer (direct, or a view): copied instead
  }

  @Override
  public void writeLazy(ByteBuffer value) {
    write(value);
  }
}
