package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ferry.transfer.Compression;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.testing.FrameTampering;
import dev.ferry.transfer.testing.InProcessTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeAssertions;
import dev.ferry.transfer.testing.TreeFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole trees over in-process gRPC: content, metadata, links, and the receiver's verdicts. */
class TreeTransferTest {
  @TempDir Path tmp;

  private MigrationDirs admission() throws Exception {
    Path migration = Files.createDirectories(tmp.resolve("target/m1"));
    return new MigrationDirs(migration, "m1", "secret", "node-a");
  }

  private SendRequest request(Path source, TransferOptions options) {
    return new SendRequest(source, "m1", "secret", "node-a", "images", TransferKind.IMAGES, options);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void sendsTreeWithContentMetadataAndLinks(int streams) throws Exception {
    Path source = tmp.resolve("source");
    TreeFixtures.sampleTree(source);
    MigrationDirs dirs = admission();
    List<TransferStats> progress = new ArrayList<>();
    try (InProcessTransfer transfer = new InProcessTransfer(dirs)) {
      TransferOptions options = TransferOptions.defaults().withParallelStreams(streams).withChunkBytes(64 << 10)
          .withWindow(256 << 10).withCompression(Compression.zstd(1));
      TransferStats stats = TreeSender.send(transfer.channel(), request(source, options), progress::add);

      TreeAssertions.assertSameTree(source, dirs.migrationDir().resolve("images"));
      assertThat(stats.files()).isEqualTo(5); // sub/hard.txt is a hardlink, not a second file
      assertThat(stats.rawBytes()).isEqualTo(stats.sentRawBytes());
      // zero pages travel as lengths, text compresses: far fewer bytes on the wire than raw
      assertThat(stats.wireBytes()).isLessThan(stats.rawBytes() * 3 / 4);
      assertThat(stats.compression()).isEqualTo("zstd 1");
      assertThat(progress).isNotEmpty();
      try (var listing = Files.list(dirs.migrationDir())) {
        assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("images");
      }
    }
  }

  @Test
  void aFileEndingInZeroChunksArrivesAtItsFullLengthAndOneOfZerosEmpty() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    byte[] tail = new byte[3 * 4096]; // two zero chunks after a data chunk: the receiver leaves them a hole
    tail[0] = 'x';
    Files.write(source.resolve("trailing-hole.img"), tail);
    Files.write(source.resolve("only-zeros.img"), new byte[2 * 4096]);
    MigrationDirs dirs = admission();
    try (InProcessTransfer transfer = new InProcessTransfer(dirs)) {
      TreeSender.send(transfer.channel(), request(source, TransferOptions.defaults().withChunkBytes(4096).withWindow(16 << 10)), s -> { });
      Path images = dirs.migrationDir().resolve("images");
      TreeAssertions.assertSameTree(source, images);
      assertThat(Files.size(images.resolve("trailing-hole.img"))).isEqualTo(3 * 4096);
      assertThat(Files.size(images.resolve("only-zeros.img"))).isEqualTo(2 * 4096);
    }
  }

  @Test
  void zeroPagesCrossAsAMapAndStayHolesButReachAReceiverThatPredatesMapsAsData() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.mixedPages(source.resolve("pages-1.img"), (1 << 20) + 1000, 5); // a third of the pages zero, a partial last one
    for (boolean receiverTakesMaps : new boolean[] {true, false}) {
      List<ByteString> maps = new CopyOnWriteArrayList<>();
      FrameTampering wire = new FrameTampering(f -> {
        if (f.hasChunk()) {
          maps.add(f.getChunk().getZeroPages());
        }
        return f;
      }, ack -> ack.hasResumePoint() && !receiverTakesMaps
          ? ack.toBuilder().setResumePoint(ack.getResumePoint().toBuilder().clearZeroPageMaps()).build() : ack);
      Path migration = Files.createDirectories(tmp.resolve("target-" + receiverTakesMaps + "/m1"));
      MigrationDirs dirs = new MigrationDirs(migration, "m1", "secret", "node-a");
      TransferStats stats;
      try (InProcessTransfer transfer = new InProcessTransfer(dirs, wire)) {
        stats = TreeSender.send(transfer.channel(), request(source, TransferOptions.defaults().withParallelStreams(1)
            .withChunkBytes(64 << 10).withWindow(256 << 10).withCompression(Compression.none())), s -> { });
      }
      Path received = migration.resolve("images/pages-1.img");
      TreeAssertions.assertSameTree(source, migration.resolve("images"));
      if (receiverTakesMaps) {
        // 16 pages a chunk, two bytes of map; the last chunk's one page is data or a zero chunk, no map either way
        assertThat(maps).hasSize(17).filteredOn(m -> !m.isEmpty()).hasSizeGreaterThan(12).allSatisfy(m -> assertThat(m.size()).isEqualTo(2));
        assertThat(stats.wireBytes()).isLessThan(stats.rawBytes() * 3 / 4);
        assertThat(allocatedBytes(received)).isLessThan(Files.size(received) * 3 / 4);
      } else {
        assertThat(maps).hasSize(17).allSatisfy(m -> assertThat(m.isEmpty()).isTrue());
        assertThat(stats.wireBytes()).isGreaterThanOrEqualTo(stats.rawBytes());
      }
    }
  }

  /** What the file takes on disk: holes take nothing. */
  private static long allocatedBytes(Path file) throws Exception {
    String blocks = new dev.ferry.process.SystemProcessRunner()
        .runChecked(dev.ferry.process.ProcessSpec.of("stat", "-c", "%b", file.toString())).stdout().strip();
    return Long.parseLong(blocks) * 512;
  }

  @Test
  void filesAreVerifiedWithXxh3AndWithSha256WhenTheReceiverPredatesTheChoice() throws Exception {
    Path source = tmp.resolve("source");
    TreeFixtures.sampleTree(source);
    byte[] content = Files.readAllBytes(source.resolve("pages-1.img"));
    for (boolean receiverKnowsTheChoice : new boolean[] {true, false}) {
      List<ByteString> digests = new CopyOnWriteArrayList<>();
      FrameTampering wire = new FrameTampering(f -> {
        if (f.hasFileEnd()) {
          digests.add(f.getFileEnd().getDigest());
        }
        // An older receiver never sees the field, and so answers without it.
        return f.hasOpen() && !receiverKnowsTheChoice ? f.toBuilder().setOpen(f.getOpen().toBuilder().clearWholeFileHash()).build() : f;
      });
      Path migration = Files.createDirectories(tmp.resolve("target-" + receiverKnowsTheChoice + "/m1"));
      MigrationDirs dirs = new MigrationDirs(migration, "m1", "secret", "node-a");
      try (InProcessTransfer transfer = new InProcessTransfer(dirs, wire)) {
        TreeSender.send(transfer.channel(), request(source, TransferOptions.defaults().withParallelStreams(1)), s -> { });
      }
      TreeAssertions.assertSameTree(source, migration.resolve("images"));
      WholeFileHash used = receiverKnowsTheChoice ? WholeFileHash.XXH3_128 : WholeFileHash.SHA256;
      WholeFileHash.Digest expected = used.start();
      expected.update(content, 0, content.length);
      assertThat(digests).hasSize(5).allSatisfy(d -> assertThat(d.size()).isEqualTo(used == WholeFileHash.SHA256 ? 32 : 16))
          .contains(ByteString.copyFrom(expected.finish()));
    }
  }

  @Test
  void sendsRawWhenCompressionIsOff() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Files.writeString(source.resolve("a.txt"), "abc".repeat(100_000));
    MigrationDirs dirs = admission();
    try (InProcessTransfer transfer = new InProcessTransfer(dirs)) {
      TransferStats stats = TreeSender.send(transfer.channel(),
          request(source, TransferOptions.defaults().withCompression(Compression.none())), s -> { });
      TreeAssertions.assertSameTree(source, dirs.migrationDir().resolve("images"));
      assertThat(stats.wireBytes()).isGreaterThanOrEqualTo(300_000);
    }
  }

  @Test
  void refusesWrongTokenWithPermissionDenied() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Files.writeString(source.resolve("a.txt"), "abc");
    MigrationDirs dirs = admission();
    try (InProcessTransfer transfer = new InProcessTransfer(dirs)) {
      SendRequest wrong = new SendRequest(source, "m1", "guess", "node-a", "images", TransferKind.IMAGES, TransferOptions.defaults());
      assertThatThrownBy(() -> TreeSender.send(transfer.channel(), wrong, s -> { }))
          .isInstanceOfSatisfying(TransferException.class, e -> {
            assertThat(e.reason()).isEqualTo(FailureReason.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("token");
          });
      assertThat(TreeAssertions.listAll(dirs.migrationDir())).containsExactly(dirs.migrationDir());
    }
  }

  @Test
  void refusesAnExistingDestination() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Files.writeString(source.resolve("a.txt"), "abc");
    MigrationDirs dirs = admission();
    Files.createDirectories(dirs.migrationDir().resolve("images"));
    try (InProcessTransfer transfer = new InProcessTransfer(dirs)) {
      assertThatThrownBy(() -> TreeSender.send(transfer.channel(), request(source, TransferOptions.defaults()), s -> { }))
          .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.getMessage()).contains("already exists"));
    }
  }

  @Test
  void aTransferSentAgainReplacesTheEarlierTreeWhenTheAdmissionAllowsIt() throws Exception {
    Path first = Files.createDirectories(tmp.resolve("first"));
    Files.writeString(first.resolve("a.txt"), "old");
    Files.writeString(first.resolve("gone.txt"), "only in the first copy");
    Path second = Files.createDirectories(tmp.resolve("second"));
    Files.writeString(second.resolve("a.txt"), "new");
    MigrationDirs dirs = admission();
    dev.ferry.transfer.Admission replacing = new dev.ferry.transfer.Admission() {
      @Override
      public Path admit(String migrationId, String token, String sourceNode, String destination) {
        return dirs.admit(migrationId, token, sourceNode, destination);
      }

      @Override
      public boolean replaces(String migrationId, Path target) {
        return true;
      }
    };
    try (InProcessTransfer transfer = new InProcessTransfer(replacing)) {
      TreeSender.send(transfer.channel(), request(first, TransferOptions.defaults()), s -> { });
      TreeSender.send(transfer.channel(), request(second, TransferOptions.defaults()), s -> { });
      TreeAssertions.assertSameTree(second, dirs.migrationDir().resolve("images"));
      try (var listing = Files.list(dirs.migrationDir())) {
        assertThat(listing.map(p -> p.getFileName().toString())).as("no staging or replaced tree left").containsExactly("images");
      }
    }
  }
}
