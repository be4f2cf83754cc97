package dev.ferry.transfer.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.codec.ByteSlice;
import dev.ferry.transfer.codec.ChunkDecoder;
import dev.ferry.transfer.codec.ChunkEncoder;
import dev.ferry.transfer.codec.EncodedChunk;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.EntryAttributes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A committed session keeps only its verdict: no file state, and nothing more is written. */
class ReceiveSessionTest {
  private static final EntryAttributes ATTRIBUTES = new EntryAttributes(0644, 0, 0, 1_000_000_000L);

  @TempDir
  Path dir;

  @Test
  void aCommittedSessionForgetsItsFilesAndRefusesLateData() throws Exception {
    Receiver receiver = new Receiver(new MigrationDirs(dir, "m1", "t", "a"), ReceiverOptions.defaults(), Ticker.SYSTEM);
    ReceiveSession session = receiver.open(new OpenRequest("m1", "t", "a", "images", TransferKind.IMAGES, "x1", 5, 1, false, "",
        WholeFileHash.XXH3_128));
    Object call = new Object();
    byte[] raw = "hello".getBytes(StandardCharsets.US_ASCII);
    try (ChunkEncoder encoder = new ChunkEncoder(); ChunkDecoder decoder = new ChunkDecoder(); LastDirectory lastDirectory = new LastDirectory()) {
      EncodedChunk encoded = encoder.encode(raw, raw.length, null);
      IncomingChunk chunk = new IncomingChunk(0, 0, raw.length, encoded.codec(), new ByteSlice(encoded.data(), 0, encoded.dataLength()),
          encoded.crc32c(), encoded.zeroPages());
      session.startFile(call, new Entry.RegularFile("a.img", 0, raw.length, ATTRIBUTES), 0, lastDirectory);
      session.chunk(call, chunk, decoder);
      WholeFileHash.Digest digest = WholeFileHash.XXH3_128.start();
      digest.update(raw, 0, raw.length);
      session.endFile(call, 0, raw.length, digest.finish());
      assertThat(session.resumePoint().files()).hasSize(1);

      session.commit(List.of(), 1);

      assertThat(Files.readString(dir.resolve("images/a.img"))).isEqualTo("hello");
      assertThat(session.resumePoint().committed()).isTrue();
      assertThat(session.resumePoint().files()).isEmpty();
      assertThatThrownBy(() -> session.chunk(call, chunk, decoder))
          .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.FAILED_PRECONDITION));
      session.commit(List.of(), 1); // idempotent
    }
  }

  @Test
  void aCallToldOfTheFailureFindsTheStagingDirectoryGone() throws Exception {
    int files = 2000; // enough that removing the staging directory takes a while
    Receiver receiver = new Receiver(new MigrationDirs(dir, "m1", "t", "a"), ReceiverOptions.defaults(), Ticker.SYSTEM);
    ReceiveSession session = receiver.open(new OpenRequest("m1", "t", "a", "images", TransferKind.IMAGES, "x2", files, files, false,
        "", WholeFileHash.XXH3_128));
    Path staging = dir.resolve(".images.partial-x2");
    try (LastDirectory lastDirectory = new LastDirectory()) {
      for (int i = 0; i < files; i++) {
        session.startFile(new Object(), new Entry.RegularFile("f" + i, i, 1, ATTRIBUTES), 0, lastDirectory);
      }
    }
    assertThat(staging).isDirectory();
    Thread failing = Thread.ofVirtual().start(() -> session.fail(TransferException.checksum("f7: mismatch")));
    // Another call of the transfer learns of the failure (as a sender's other stream would): by then nothing partial is left.
    while (true) {
      try {
        session.requireNotFailed();
        Thread.onSpinWait();
      } catch (TransferException told) {
        assertThat(told.reason()).isEqualTo(FailureReason.IMAGE_CHECKSUM_MISMATCH);
        break;
      }
    }
    assertThat(staging).doesNotExist();
    failing.join();
  }
}
