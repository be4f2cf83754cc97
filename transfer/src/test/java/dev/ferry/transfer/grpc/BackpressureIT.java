package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.Compression;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.testing.LoopbackTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeAssertions;
import dev.ferry.transfer.testing.TreeFixtures;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded by the window whatever the sizes and speeds. This JVM runs with a
 * 160 MiB heap (see the failsafe argLine): a transfer that buffered its data would fail here.
 */
class BackpressureIT {
  private static final long MIB = 1 << 20;

  @TempDir Path tmp;

  @Test
  void sends512MiBThroughASmallHeapWithinTheWindow() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    for (int i = 0; i < 4; i++) {
      TreeFixtures.mixedPages(source.resolve("pages-" + i + ".img"), 128 * MIB, i);
    }
    TransferOptions options = TransferOptions.defaults().withCompression(Compression.zstd(-3)).withParallelStreams(2)
        .withChunkBytes((int) MIB).withWindow((int) (8 * MIB));
    TransferStats stats = transfer(source, options);
    long window = options.windowBytes();
    assertThat(stats.rawBytes()).isEqualTo(512 * MIB);
    assertThat(stats.peakInFlightBytes()).isPositive().isLessThanOrEqualTo(window);
  }

  @Test
  void aSlowReceiverSlowsTheSenderInsteadOfFillingMemory() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.randomFile(source.resolve("pages-1.img"), 96 * MIB, 3);
    TransferOptions options = TransferOptions.defaults().withCompression(Compression.none()).withParallelStreams(1)
        .withChunkBytes(256 << 10).withWindow((int) MIB);
    // ~2 ms per 256 KiB frame: the receiver takes about 128 MB/s, far below what the sender reads.
    TransferStats stats = transfer(source, options, slowReceiver(2_000_000));
    assertThat(stats.peakInFlightBytes()).isPositive().isLessThanOrEqualTo(options.windowBytes());
  }

  private TransferStats transfer(Path source, TransferOptions options, ServerInterceptor... interceptors) throws Exception {
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    MigrationDirs dirs = new MigrationDirs(migration, "m1", "t", "node-a");
    resetPeaks();
    try (LoopbackTransfer server = new LoopbackTransfer(dirs, interceptors)) {
      ManagedChannel channel = server.channel();
      try {
        TransferStats stats = TreeSender.send(channel,
            new SendRequest(source, "m1", "t", "node-a", "images", TransferKind.IMAGES, options), s -> { });
        System.out.printf("%d MiB in %d ms (%.0f MB/s), wire %d MiB, peak in flight %d KiB (window %d KiB), peak heap %d MiB%n",
            stats.rawBytes() / MIB, stats.duration().toMillis(), stats.rawMegabytesPerSecond(), stats.wireBytes() / MIB,
            stats.peakInFlightBytes() >> 10, options.windowBytes() >> 10, peakHeap() / MIB);
        TreeAssertions.assertSameTree(source, migration.resolve("images"));
        return stats;
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static ServerInterceptor slowReceiver(long nanosPerMessage) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
          @Override
          public void onMessage(Q message) {
            LockSupport.parkNanos(nanosPerMessage);
            super.onMessage(message);
          }
        };
      }
    };
  }

  private static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }
}
