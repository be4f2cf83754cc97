package dev.ferry.transfer.grpc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import dev.ferry.proto.v1.Chunk;
import dev.ferry.proto.v1.FileEnd;
import dev.ferry.proto.v1.FileHeader;
import dev.ferry.proto.v1.FrameBatch;
import dev.ferry.proto.v1.TransferClose;
import dev.ferry.proto.v1.TransferFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The same properties as {@link TransferStreamFuzzTest}, with streams built from the fuzzer's
 * choices instead of parsed from its bytes: Jazzer 0.24 cannot instrument JDK 25 classes, so it
 * fuzzes without coverage feedback, and random bytes rarely parse into a stream that gets past
 * the first header. Here every input is a plausible stream (paths from hostile pieces, offsets
 * near the right one, CRCs and SHA-256s right or wrong, unknown enum numbers, batches, a close),
 * so the receiver's deeper states (resume offsets, commit, structure, deletions) get exercised.
 */
class GeneratedTransferStreamFuzzTest {
  private static final String[] PIECES = {"a", "b", "sub", "esc", "..", ".", "", "/", "/tmp", "etc", "a\0b", "x".repeat(300)};
  private static final int[] SPECIAL_NUMBERS = {0, -1, 1, 99, Integer.MAX_VALUE, Integer.MIN_VALUE};

  @FuzzTest(maxDuration = "90s")
  void aGeneratedStreamEndsTypedAndWritesOnlyItsTarget(FuzzedDataProvider data) throws IOException {
    List<TransferFrame> frames = new ArrayList<>();
    Map<Integer, ByteArrayOutputStream> sent = new HashMap<>();
    int count = data.consumeInt(1, 24);
    for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
      TransferFrame frame = frame(data, sent);
      if (data.consumeInt(0, 7) == 0 && !frames.isEmpty()) {
        frame = TransferFrame.newBuilder().setBatch(FrameBatch.newBuilder().addFrames(frames.removeLast()).addFrames(frame)).build();
      }
      frames.add(frame);
    }
    frames.add(TransferFrame.newBuilder().setClose(TransferClose.newBuilder().setFilesTotal(sent.size())).build());
    TransferStreamFuzzTest.receiveAndCheck(frames);
  }

  private static TransferFrame frame(FuzzedDataProvider data, Map<Integer, ByteArrayOutputStream> sent) {
    int index = data.consumeInt(0, 3);
    return switch (data.consumeInt(0, 3)) {
      case 0 -> TransferFrame.newBuilder().setFile(FileHeader.newBuilder().setPath(path(data)).setTypeValue(data.consumeInt(0, 9))
          .setFileIndex(index).setSize(data.consumeLong(-1, 1 << 16)).setMode(data.consumeInt(0, 07777))
          .setLinkTarget(data.consumeBoolean() ? path(data) : "").setResumeOffset(data.consumeBoolean() ? 0 : data.consumeLong(-1, 64))
          .setDeviceMajor(data.consumeInt(0, 8)).setDeviceMinor(data.consumeInt(0, 8))).build();
      case 1 -> chunk(data, index, sent.computeIfAbsent(index, i -> new ByteArrayOutputStream()));
      case 2 -> {
        byte[] content = sent.computeIfAbsent(index, i -> new ByteArrayOutputStream()).toByteArray();
        boolean honest = data.consumeBoolean();
        yield TransferFrame.newBuilder().setFileEnd(FileEnd.newBuilder().setFileIndex(index)
            .setSize(honest ? content.length : data.consumeLong(-1, 1 << 16))
            .setDigest(ByteString.copyFrom(honest ? sha256(content) : data.consumeBytes(32)))).build();
      }
      default -> TransferFrame.newBuilder().setClose(TransferClose.newBuilder().setFilesTotal(data.consumeInt(-1, 4))).build();
    };
  }

  private static TransferFrame chunk(FuzzedDataProvider data, int index, ByteArrayOutputStream content) {
    byte[] raw = data.consumeBytes(data.consumeInt(0, 512));
    long offset = data.consumeBoolean() ? content.size() : data.consumeLong(-2, 1 << 12);
    int compression = data.consumeBoolean() ? 1 : data.consumeInt(0, 5); // 1 = NONE
    int rawLength = data.consumeBoolean() ? raw.length : SPECIAL_NUMBERS[data.consumeInt(0, SPECIAL_NUMBERS.length - 1)];
    CRC32C crc = new CRC32C();
    crc.update(raw);
    int crc32c = data.consumeBoolean() ? (int) crc.getValue() : data.consumeInt();
    if (offset == content.size() && rawLength == raw.length && compression == 1) {
      content.writeBytes(raw);
    }
    return TransferFrame.newBuilder().setChunk(Chunk.newBuilder().setFileIndex(index).setOffset(offset).setRawLength(rawLength)
        .setCompressionValue(compression).setCrc32C(crc32c).setData(ByteString.copyFrom(raw))).build();
  }

  private static String path(FuzzedDataProvider data) {
    int parts = data.consumeInt(1, 4);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(data.consumeBoolean() ? PIECES[data.consumeInt(0, PIECES.length - 1)] : data.consumeAsciiString(6));
    }
    return b.toString();
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
