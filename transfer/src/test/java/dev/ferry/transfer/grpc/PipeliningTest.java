package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.Compression;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.testing.FrameTampering;
import dev.ferry.transfer.testing.InProcessTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeAssertions;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files still being written (CRIU dumping) are streamed as they grow, overlapping the writer. */
class PipeliningTest {
  @TempDir Path tmp;

  @Test
  void streamsGrowingFilesAndFilesThatAppearLater() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    AtomicBoolean writerDone = new AtomicBoolean();
    AtomicLong chunksBeforeWriterDone = new AtomicLong();
    CountDownLatch transferStarted = new CountDownLatch(1);
    FrameTampering observer = new FrameTampering(f -> {
      if (f.hasOpen()) {
        transferStarted.countDown();
      }
      if (f.hasChunk() && !writerDone.get()) {
        chunksBeforeWriterDone.incrementAndGet();
      }
      return f;
    });
    Files.writeString(source.resolve("inventory.img"), "written before the transfer starts");

    Thread writer = Thread.ofVirtual().start(() -> {
      try (OutputStream pages = Files.newOutputStream(source.resolve("pages-1.img"), StandardOpenOption.CREATE_NEW)) {
        // Like CRIU after the sender has connected: the dump writes while the transfer runs.
        transferStarted.await();
        Random random = new Random(1);
        byte[] block = new byte[128 << 10];
        for (int i = 0; i < 40; i++) {
          random.nextBytes(block);
          if (i % 3 == 0) {
            java.util.Arrays.fill(block, (byte) 0); // zero pages too
          }
          pages.write(block);
          pages.flush();
          if (i == 20) {
            Files.createDirectories(source.resolve("late"));
            Files.writeString(source.resolve("late/core-42.img"), "appears halfway");
          }
          Thread.sleep(10);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        writerDone.set(true);
      }
    });

    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"), observer)) {
      SendRequest request = new SendRequest(source, "m1", "t", "n", "images", TransferKind.IMAGES,
          TransferOptions.defaults().withParallelStreams(2).withCompression(Compression.zstd(1))
              .withChunkBytes(64 << 10).withWindow(256 << 10))
          .pipelinedUntil(writerDone::get);
      TransferStats stats = TreeSender.send(transfer.channel(), request, s -> { });
      writer.join();

      TreeAssertions.assertSameTree(source, migration.resolve("images"));
      assertThat(stats.files()).isEqualTo(3);
      assertThat(stats.rawBytes()).isEqualTo(40L * (128 << 10) + 34 + 15);
      // Sending overlapped writing: chunks travelled while the writer was still at work.
      assertThat(chunksBeforeWriterDone.get()).isPositive();
    }
  }
}
