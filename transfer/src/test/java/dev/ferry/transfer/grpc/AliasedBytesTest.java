package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.ferry.proto.v1.Chunk;
import dev.ferry.transfer.codec.ByteSlice;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AliasedBytesTest {
  private static byte[] bytesOf(ByteSlice s) {
    return java.util.Arrays.copyOfRange(s.array(), s.offset(), s.offset() + s.length());
  }

  @Test
  void aFlatByteStringIsReadWhereItLies() {
    byte[] message = "header|payload|trailer".getBytes(StandardCharsets.US_ASCII);
    ByteSlice slice = AliasedBytes.of(UnsafeByteOperations.unsafeWrap(message, 7, 7));
    assertThat(slice.array()).isSameAs(message);
    assertThat(slice.offset()).isEqualTo(7);
    assertThat(bytesOf(slice)).asString(StandardCharsets.US_ASCII).isEqualTo("payload");
  }

  @Test
  void aParsedChunksDataIsOneSliceOfItsOwn() throws Exception {
    byte[] payload = new byte[64 << 10];
    new java.util.Random(4).nextBytes(payload);
    byte[] wire = Chunk.newBuilder().setFileIndex(3).setData(ByteString.copyFrom(payload)).setCrc32C(9).build().toByteArray();
    ByteSlice slice = AliasedBytes.of(Chunk.parseFrom(wire).getData());
    assertThat(bytesOf(slice)).isEqualTo(payload);
    assertThat(slice.array()).isNotSameAs(wire); // parsing copies out of its input: nothing else writes this array
  }

  @Test
  void aByteStringInPiecesOrEmptyIsCopiedOrEmpty() {
    ByteString rope = ByteString.copyFromUtf8("a".repeat(200)).concat(ByteString.copyFromUtf8("b".repeat(200)));
    assertThat(bytesOf(AliasedBytes.of(rope))).asString(StandardCharsets.US_ASCII).isEqualTo("a".repeat(200) + "b".repeat(200));
    assertThat(AliasedBytes.of(ByteString.EMPTY).length()).isZero();
  }
}
