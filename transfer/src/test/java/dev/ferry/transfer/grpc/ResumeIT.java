package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.Compression;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.testing.CuttableProxy;
import dev.ferry.transfer.testing.LoopbackTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeAssertions;
import dev.ferry.transfer.testing.TreeFixtures;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A connection cut in the middle of a transfer resumes from the last verified chunk, not from zero. */
class ResumeIT {
  private static final long MIB = 1 << 20;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} streams")
  @ValueSource(ints = {1, 2})
  void resumesAfterTheConnectionIsCut(int streams) throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.randomFile(source.resolve("pages-1.img"), 48 * MIB, 1);
    TreeFixtures.randomFile(source.resolve("pages-2.img"), 16 * MIB, 2);
    Files.writeString(source.resolve("small.txt"), "small");
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    MigrationDirs dirs = new MigrationDirs(migration, "m1", "t", "node-a");
    TransferOptions options = TransferOptions.defaults().withCompression(Compression.none()).withParallelStreams(streams)
        .withChunkBytes((int) MIB).withWindow((int) (4 * MIB));

    try (LoopbackTransfer server = new LoopbackTransfer(dirs);
        CuttableProxy proxy = new CuttableProxy(server.port(), 30 * MIB)) {
      ManagedChannel channel = server.channelTo(proxy.port());
      try {
        TransferStats stats = TreeSender.send(channel,
            new SendRequest(source, "m1", "t", "node-a", "images", TransferKind.IMAGES, options), s -> { });

        assertThat(proxy.wasCut()).isTrue();
        assertThat(stats.reconnects()).isPositive();
        TreeAssertions.assertSameTree(source, migration.resolve("images"));
        long resent = stats.sentRawBytes() - stats.rawBytes();
        // At most what was in flight when the cut came: each stream's window and the chunk being sent.
        assertThat(resent).isLessThanOrEqualTo(streams * (options.windowBytes() + options.chunkBytes()));
        assertThat(stats.sentRawBytes()).isLessThan(stats.rawBytes() + stats.rawBytes() / 4);
        System.out.printf("resume with %d streams: %d MiB total, %.1f MiB resent, %d reconnects%n",
            streams, stats.rawBytes() / MIB, resent / (double) MIB, stats.reconnects());
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
