package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.Compression;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BandwidthAndStreamsTest {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;

  @Test
  void theCapHoldsTheWireRateDown() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.randomFile(source.resolve("a.img"), 4L * MIB, 1);
    TreeFixtures.randomFile(source.resolve("b.img"), 4L * MIB, 2);
    long cap = 16_000_000;
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      TransferStats stats = TreeSender.send(transfer.channel(), new SendRequest(source, "m1", "t", "n", "images",
          TransferKind.IMAGES, TransferOptions.defaults().withBandwidth(cap).withParallelStreams(2)
              .withCompression(Compression.none()).withChunkBytes(256 << 10).withWindow(MIB)), s -> { });
      TreeAssertions.assertSameTree(source, migration.resolve("images"));
      // A lower bound only (a slow machine is slower, never faster): ~8.4 MB at 16 MB/s is >= 0.5 s,
      // less the burst credit and the first frame of each stream.
      double minimumSeconds = (stats.wireBytes() - 2 * (256 << 10) - cap / 20) / (double) cap;
      assertThat(stats.duration().toNanos() / 1e9).isGreaterThanOrEqualTo(minimumSeconds);
    }
  }

  @Test
  void filesAreSpreadOverTheParallelStreams() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    for (int i = 0; i < 24; i++) {
      TreeFixtures.mixedPages(source.resolve("f" + i + ".img"), 1 << 20, i);
    }
    Set<String> sendingThreads = ConcurrentHashMap.newKeySet();
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    var recordThreads = new dev.ferry.transfer.testing.FrameTampering(f -> {
      if (f.hasChunk()) {
        sendingThreads.add(Thread.currentThread().getName());
      }
      return f;
    });
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"), recordThreads)) {
      TransferStats stats = TreeSender.send(transfer.channel(), new SendRequest(source, "m1", "t", "n", "images",
          TransferKind.IMAGES, TransferOptions.defaults().withParallelStreams(3).withCompression(Compression.zstd(1))
              .withChunkBytes(64 << 10).withWindow(256 << 10)), s -> { });
      TreeAssertions.assertSameTree(source, migration.resolve("images"));
      assertThat(stats.streams()).isEqualTo(3);
      // Streams compress on their own threads (a late starter may find the queue already empty).
      assertThat(sendingThreads).hasSizeGreaterThan(1).allMatch(name -> name.startsWith("ferry-send-"));
    }
  }
}
