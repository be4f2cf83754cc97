package dev.ferry.transfer.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.FrameBatch;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferKind;
import dev.ferry.proto.v1.TransferOpen;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.RecordingResponses;
import dev.ferry.transfer.testing.TreeAssertions;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzzes a whole Send call as a hostile peer holding a valid admission would drive it: the input
 * is a FrameBatch whose frames (headers, chunks with any framing, file ends, nested batches,
 * close) reach the real {@link ReceiveCall} and {@link Receiver} one by one, writing into a real
 * directory. If the input does not start with its own TransferOpen, an admitted one is sent first.
 * Properties: the call ends with a typed status, never INTERNAL (an exception nobody mapped);
 * nothing appears outside the migration directory; a refused transfer leaves no staging
 * directory; a committed one leaves exactly its target; nothing is answered after the call ended. Seeds (TransferStreamFuzzTestInputs/):
 * a valid two-file transfer, truncated chunks, out-of-order offsets, '..' and absolute paths,
 * symlink escapes, unknown enum numbers, huge raw lengths.
 */
class TransferStreamFuzzTest {
  private static final TransferFrame OPEN = TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder()
      .setMigrationId("m1").setToken("t").setSourceNode("node-a").setDestination("images")
      .setKind(TransferKind.TRANSFER_KIND_IMAGES).setTransferId("x1").setPipelined(true)).build();

  @FuzzTest(maxDuration = "120s")
  void aStreamEndsTypedAndWritesOnlyItsTarget(byte[] input) throws IOException {
    FrameBatch frames;
    try {
      frames = FrameBatch.parseFrom(input);
    } catch (InvalidProtocolBufferException notFrames) {
      return;
    }
    receiveAndCheck(frames.getFramesList());
  }

  /** Runs the frames through a fresh receiver in a fresh directory and checks every property. */
  static void receiveAndCheck(List<TransferFrame> frames) throws IOException {
    Path root = Files.createTempDirectory("ferry-fuzz-");
    try {
      Path migration = Files.createDirectories(root.resolve("migrations/m1"));
      Path outside = Files.createDirectories(root.resolve("outside"));
      Files.writeString(outside.resolve("secret"), "x");
      Receiver receiver = new Receiver(new MigrationDirs(migration, "m1", "t", "node-a"),
          new ReceiverOptions(0, Duration.ZERO), Ticker.SYSTEM);
      RecordingResponses responses = run(frames, receiver);
      check(responses, root, migration, outside);
      // A stream that ended without commit keeps its session for a resume: with no resume window it goes now.
      receiver.expireAbandoned();
    } finally {
      deleteTree(root);
    }
  }

  private static RecordingResponses run(List<TransferFrame> frames, Receiver receiver) {
    RecordingResponses responses = new RecordingResponses();
    ReceiveCall call = new ReceiveCall(receiver, responses);
    if (frames.isEmpty() || !frames.getFirst().hasOpen()) {
      call.onNext(OPEN);
    }
    for (TransferFrame f : frames) {
      call.onNext(f);
    }
    if (responses.status() == null) {
      call.onCompleted();
    }
    return responses;
  }

  private static void check(RecordingResponses responses, Path root, Path migration, Path outside) throws IOException {
    Status status = responses.status();
    if (!responses.afterTheEnd.isEmpty()) {
      throw new AssertionError("the receiver answered after the call ended (" + status + "): " + responses.afterTheEnd);
    }
    if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN) {
      throw new AssertionError("the stream ended " + status + ": an exception nobody mapped", responses.error());
    }
    if (!TreeAssertions.listAll(outside).equals(List.of(outside, outside.resolve("secret")))) {
      throw new AssertionError("something was written outside the migration: " + TreeAssertions.listAll(outside));
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        if (!p.startsWith(migration) && !p.startsWith(outside) && !migration.startsWith(p)) {
          throw new AssertionError("something was written beside the migration directory: " + p);
        }
      }
    }
    List<String> left;
    try (Stream<Path> in = Files.list(migration)) {
      left = in.map(p -> p.getFileName().toString()).sorted().toList();
    }
    if (responses.acks.stream().anyMatch(a -> a.hasDone() && a.getDone().getFiles() < 0)) {
      throw new AssertionError("a transfer committed with a negative file count: " + responses.acks);
    }
    if (responses.committed()) {
      if (!left.equals(List.of("images")) || !Files.isDirectory(migration.resolve("images"), LinkOption.NOFOLLOW_LINKS)) {
        throw new AssertionError("a committed transfer left " + left + " instead of its target");
      }
    } else if (status.getCode() != Status.Code.OK && !retryable(responses.error())) {
      if (!left.isEmpty()) {
        throw new AssertionError("a refused transfer (" + status + ") left " + left + " behind");
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static boolean retryable(Throwable error) {
    com.google.rpc.Status s = StatusProto.fromThrowable(error);
    if (s == null) {
      return false;
    }
    return s.getDetailsList().stream().filter(d -> d.is(FerryError.class)).anyMatch(d -> {
      try {
        return d.unpack(FerryError.class).getRetryable();
      } catch (InvalidProtocolBufferException e) {
        return false;
      }
    });
  }
}
