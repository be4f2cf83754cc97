package dev.ferry.transfer.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.ByteSlice;
import dev.ferry.transfer.codec.ChunkDecoder;
import dev.ferry.transfer.codec.ChunkEncoder;
import dev.ferry.transfer.codec.EncodedChunk;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.codec.ZeroPages;
import dev.ferry.transfer.tree.EntryAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A received file: zero pages become holes and still count in its hash; once a failed transfer
 * closed its descriptor, nothing writes through it again.
 */
class IncomingFileTest {
  private static final EntryAttributes ATTRIBUTES = new EntryAttributes(0644, 0, 0, 0);

  @TempDir
  Path dir;

  @Test
  void zeroPagesLeftOutOfChunksArriveAsZerosIncludingAtTheEnd() throws Exception {
    int page = ZeroPages.PAGE;
    byte[] raw = new byte[6 * page + 10]; // data, zero, zero, data | data, zero (partial)
    new Random(8).nextBytes(raw);
    Arrays.fill(raw, page, 3 * page, (byte) 0);
    Arrays.fill(raw, 5 * page, raw.length, (byte) 0);
    IncomingFile file = new IncomingFile(0, "p", dir.resolve("p"), ATTRIBUTES, WholeFileHash.XXH3_128, StagingTree.Created.UNKNOWN);
    Object call = new Object();
    file.takeOver(call, "p", ATTRIBUTES, 0);
    try (ChunkEncoder encoder = new ChunkEncoder(); ChunkDecoder decoder = new ChunkDecoder()) {
      for (int offset : new int[] {0, 4 * page}) {
        int length = offset == 0 ? 4 * page : raw.length - offset;
        EncodedChunk encoded = encoder.encode(Arrays.copyOfRange(raw, offset, offset + length), length, 1, true);
        assertThat(encoded.zeroPages()).isNotEmpty();
        file.write(call, new IncomingChunk(0, offset, length, encoded.codec(), new ByteSlice(encoded.data(), 0, encoded.dataLength()),
            encoded.crc32c(), encoded.zeroPages()), decoder, new byte[length]);
      }
    }
    WholeFileHash.Digest expected = WholeFileHash.XXH3_128.start();
    expected.update(raw, 0, raw.length);
    file.finish(call, raw.length, expected.finish());
    assertThat(Files.readAllBytes(dir.resolve("p"))).isEqualTo(raw);
  }

  @Test
  void everyModeEndsAsSentWhetherTheFileWasCreatedWithItOrChangedToItWhenSealed() throws Exception {
    Path root = Files.createDirectory(dir.resolve("staging")); // as the receiver makes it: mkdir under the umask
    StagingTree.Created created = new StagingTree(root).created();
    int[] modes = {0644, 0600, 0755, 0444, 0000, 0666, 0777, 04755, 02755, 01644};
    for (int mode : modes) {
      EntryAttributes attributes = new EntryAttributes(mode, 0, 0, 0);
      Path path = root.resolve("m" + Integer.toOctalString(mode));
      IncomingFile file = new IncomingFile(0, "m", path, attributes, WholeFileHash.XXH3_128, created);
      // Until sealed: the wanted mode under the umask, or private when it has set-id or sticky bits.
      int beforeSeal = (Integer) Files.getAttribute(path, "unix:mode") & 07777;
      assertThat(beforeSeal).as("%o before sealing", mode).isEqualTo((mode & 07000) == 0 ? mode & created.directoryMode() & 0777 : 0600);
      Object call = new Object();
      file.takeOver(call, "m", attributes, 0);
      file.finish(call, 0, WholeFileHash.XXH3_128.start().finish());

      assertThat((Integer) Files.getAttribute(path, "unix:mode") & 07777).as("%o sealed", mode).isEqualTo(mode);
    }
  }

  @Test
  void aClosedFileRefusesChunksAndNeverWritesThroughItsOldDescriptor() throws Exception {
    IncomingFile file = new IncomingFile(0, "a", dir.resolve("a"), ATTRIBUTES, WholeFileHash.XXH3_128, StagingTree.Created.UNKNOWN);
    Object call = new Object();
    file.takeOver(call, "a", ATTRIBUTES, 0);
    file.closeQuietly();
    // The kernel hands the freed descriptor number to the next open: this file must not receive a's bytes.
    IncomingFile other = new IncomingFile(1, "b", dir.resolve("b"), ATTRIBUTES, WholeFileHash.XXH3_128, StagingTree.Created.UNKNOWN);
    byte[] raw = new byte[4096];
    Arrays.fill(raw, (byte) 'x');
    try (ChunkEncoder encoder = new ChunkEncoder(); ChunkDecoder decoder = new ChunkDecoder()) {
      EncodedChunk encoded = encoder.encode(raw, raw.length, null);
      IncomingChunk chunk = new IncomingChunk(0, 0, encoded.rawLength(), encoded.codec(),
          ByteSlice.of(Arrays.copyOf(encoded.data(), encoded.dataLength())), encoded.crc32c(), encoded.zeroPages());
      assertThatThrownBy(() -> file.write(call, chunk, decoder, new byte[4096]))
          .isInstanceOf(TransferException.class).hasMessageContaining("a was closed");
      byte[] emptyDigest = WholeFileHash.XXH3_128.start().finish();
      assertThatThrownBy(() -> file.finish(call, 0, emptyDigest))
          .isInstanceOf(TransferException.class).hasMessageContaining("a was closed");
    }
    other.closeQuietly();
    assertThat(Files.size(dir.resolve("b"))).isZero();
  }
}
