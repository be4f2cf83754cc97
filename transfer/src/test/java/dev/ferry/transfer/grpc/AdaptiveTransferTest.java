package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.testing.InProcessTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeAssertions;
import dev.ferry.transfer.testing.TreeFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adaptive compression (the default) on real data, with the choice and its reason reported. */
class AdaptiveTransferTest {
  private static final long MIB = 1 << 20;

  @TempDir Path tmp;

  private TransferStats send(Path source, TransferOptions options) throws Exception {
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      TransferStats stats = TreeSender.send(transfer.channel(),
          new SendRequest(source, "m1", "t", "n", "images", TransferKind.IMAGES, options), s -> { });
      TreeAssertions.assertSameTree(source, migration.resolve("images"));
      System.out.println(stats.compression() + ": " + stats.compressionReason());
      return stats;
    }
  }

  @Test
  void aSlowLinkGetsCompressedData() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    // 80 MiB, three seconds at 25 MB/s: the first test of a fresh JVM encodes its first raw chunks interpreted,
    // and the controller charges that time to compression (its speed is measured over all chunks of a period);
    // with 40 MiB a clean-clone run ended still at none. A real migration's images outlast the warm-up too.
    TreeFixtures.mixedPages(source.resolve("pages-1.img"), 80 * MIB, 1);
    // 25 MB/s: far below what zstd compresses on any core.
    TransferStats stats = send(source, TransferOptions.defaults().withBandwidth(25_000_000).withParallelStreams(1));
    assertThat(stats.compression()).as(stats.compressionReason()).startsWith("zstd");
    // How far it climbs depends on this machine's compression speed; that it measured and compressed does not.
    assertThat(stats.compressionReason()).contains("MB/s on the wire");
    assertThat(stats.wireBytes()).isLessThan(stats.rawBytes() * 3 / 4); // a third of the pages are random
  }

  @Test
  void theNextTransferOfTheSameKindOverTheSameChannelStartsAtTheLevelTheLastOneSettledOn() throws Exception {
    Path pages = Files.createDirectories(tmp.resolve("pages"));
    TreeFixtures.mixedPages(pages.resolve("pages-1.img"), 40 * MIB, 1);
    Path small = Files.createDirectories(tmp.resolve("small"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(small.resolve("f" + i + ".conf"), "key = value with some words\n".repeat(200 + i));
    }
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    TransferOptions slowLink = TransferOptions.defaults().withBandwidth(25_000_000).withParallelStreams(1);
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      TransferStats first = TreeSender.send(transfer.channel(),
          new SendRequest(pages, "m1", "t", "n", "first", TransferKind.ROOTFS_FULL, slowLink), s -> { });
      assertThat(first.compression()).as(first.compressionReason()).startsWith("zstd");
      // A tree that ends before one measurement period: before, it always went raw.
      TransferStats second = TreeSender.send(transfer.channel(),
          new SendRequest(small, "m1", "t", "n", "rootfs", TransferKind.ROOTFS_FULL, slowLink), s -> { });
      TreeAssertions.assertSameTree(small, migration.resolve("rootfs"));
      assertThat(second.compression()).startsWith("zstd");
      assertThat(second.compressionReason()).contains("where the last transfer of its kind to this peer settled");
      assertThat(second.wireBytes()).isLessThan(second.rawBytes() / 4);
      // Memory images settle apart from root filesystems: the same tree as images starts raw.
      TransferStats images = TreeSender.send(transfer.channel(),
          new SendRequest(small, "m1", "t", "n", "images", TransferKind.IMAGES, slowLink), s -> { });
      assertThat(images.compressionReason()).doesNotContain("where the last transfer of its kind to this peer settled");
      assertThat(images.wireBytes()).isGreaterThan(images.rawBytes() / 2);
    }
  }

  @Test
  void randomDataIsSentRaw() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.randomFile(source.resolve("pages-1.img"), 64 * MIB, 2);
    TransferStats stats = send(source, TransferOptions.defaults().withParallelStreams(1));
    assertThat(stats.compression()).startsWith("none");
    assertThat(stats.compressionReason()).containsAnyOf("incompressible", "go raw");
    assertThat(stats.wireBytes()).isGreaterThan(stats.rawBytes());
  }
}
