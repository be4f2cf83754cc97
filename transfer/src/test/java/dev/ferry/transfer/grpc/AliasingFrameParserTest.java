package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ferry.proto.v1.Chunk;
import dev.ferry.proto.v1.FrameBatch;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.transfer.codec.ByteSlice;
import io.grpc.KnownLength;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AliasingFrameParserTest {
  private final AliasingFrameParser parser = new AliasingFrameParser();

  /** What gRPC hands a marshaller: a stream that knows its length. */
  private static class Received extends ByteArrayInputStream implements KnownLength {
    Received(byte[] message) {
      super(message);
    }
  }

  private static TransferFrame batchOfTwoChunks(byte[] first, byte[] second) {
    return TransferFrame.newBuilder().setBatch(FrameBatch.newBuilder()
        .addFrames(TransferFrame.newBuilder().setChunk(Chunk.newBuilder().setFileIndex(1).setData(ByteString.copyFrom(first))))
        .addFrames(TransferFrame.newBuilder().setChunk(Chunk.newBuilder().setFileIndex(2).setOffset(1L << 30)
            .setData(ByteString.copyFrom(second)).setZeroPages(ByteString.copyFrom(new byte[] {5})))))
        .build();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void theChunksOfAFrameAreSlicesOfTheOneArrayItWasReadInto() {
    byte[] first = random(256 << 10, 1);
    byte[] second = random(100_000, 2);
    byte[] wire = batchOfTwoChunks(first, second).toByteArray();

    TransferFrame parsed = parser.parse(new Received(wire));

    assertThat(parsed).isEqualTo(batchOfTwoChunks(first, second));
    ByteSlice a = AliasedBytes.of(parsed.getBatch().getFrames(0).getChunk().getData());
    ByteSlice b = AliasedBytes.of(parsed.getBatch().getFrames(1).getChunk().getData());
    // Both alias the message's array (a copy would be an array of the chunk's own size each).
    assertThat(a.array()).isSameAs(b.array()).hasSize(wire.length);
    assertThat(Arrays.copyOfRange(a.array(), a.offset(), a.offset() + a.length())).isEqualTo(first);
    assertThat(Arrays.copyOfRange(b.array(), b.offset(), b.offset() + b.length())).isEqualTo(second);
  }

  @Test
  void aStreamOfUnknownLengthIsParsedAsGrpcWould() {
    byte[] data = random(10_000, 3);
    TransferFrame frame = TransferFrame.newBuilder().setChunk(Chunk.newBuilder().setData(ByteString.copyFrom(data))).build();
    InputStream unknownLength = new ByteArrayInputStream(frame.toByteArray());

    assertThat(parser.parse(unknownLength)).isEqualTo(frame);
    assertThat(parser.parse(parser.stream(frame))).isEqualTo(frame);
  }

  @Test
  void garbageIsRefusedAsInvalidProtobufAndAShortStreamAsWrongLength() {
    byte[] garbage = {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x0f, 1, 2};
    assertThatThrownBy(() -> parser.parse(new Received(garbage)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
          assertThat(e.getStatus().getDescription()).isEqualTo("Invalid protobuf byte sequence");
        });

    InputStream claimsMore = new Received(new byte[] {8, 1}) {
      @Override
      public synchronized int available() {
        return 10;
      }
    };
    assertThatThrownBy(() -> parser.parse(claimsMore))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).isEqualTo("a received frame's length was not 10 bytes"));
  }
}
