package dev.ferry.transfer.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.ferry.proto.v1.TransferFrame;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a received frame into an array of its own and parses it so that its bytes fields (chunk
 * data, zero-page maps, digests) alias that array. gRPC's protobuf marshaller reads a message into a
 * buffer it reuses, so the parser must copy every bytes field out of it: each received byte was
 * copied twice on its way from the transport to the file, now once. Parsing is protobuf's own,
 * with the limits gRPC's marshaller sets.
 */
final class AliasingFrameParser implements MethodDescriptor.Marshaller<TransferFrame> {
  private static final MethodDescriptor.Marshaller<TransferFrame> PROTO = ProtoUtils.marshaller(TransferFrame.getDefaultInstance());

  @Override
  public InputStream stream(TransferFrame frame) {
    return PROTO.stream(frame);
  }

  @Override
  public TransferFrame parse(InputStream stream) {
    try {
      int size = stream.available();
      if (!(stream instanceof KnownLength) || size <= 0) {
        return PROTO.parse(stream); // a transport that does not know the length, or an empty message
      }
      byte[] message = new byte[size];
      if (stream.readNBytes(message, 0, size) != size || stream.read() != -1) {
        throw Status.INTERNAL.withDescription("a received frame's length was not " + size + " bytes").asRuntimeException();
      }
      // A ByteString's own input is immutable, the condition for aliasing; a byte[]'s would copy anyway.
      CodedInputStream input = UnsafeByteOperations.unsafeWrap(message).newCodedInput();
      input.enableAliasing(true);
      input.setSizeLimit(Integer.MAX_VALUE);
      return TransferFrame.parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
    } catch (IOException e) {
      throw new UncheckedIOException("reading a received frame", e);
    }
  }
}
