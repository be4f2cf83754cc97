package dev.ferry.transfer.bench;

import dev.ferry.transfer.Compression;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.grpc.TreeSender;
import io.grpc.ManagedChannel;
import java.nio.file.Path;

/**
 * The sending agent of one benchmark row, as its own JVM. Warms up on a small tree (several rounds), then sends
 * the data once and prints one tab-separated line: "BENCH result", duration nanos, wire bytes,
 * own CPU s, the receiver's CPU s over the same interval, own peak heap, compression, reason.
 *
 * <p>Arguments: data dir, warm-up dir, host, port, compression (auto, none, zstd1), security, pki
 * dir, receiver pid.
 */
public final class BenchSender {
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path warmUp = Path.of(args[1]);
    TransferOptions options = TransferOptions.defaults().withCompression(compression(args[4]));
    long receiverPid = Long.parseLong(args[7]);
    ManagedChannel channel = Security.valueOf(args[5]).channel(args[2], Integer.parseInt(args[3]), Path.of(args[6]));
    try {
      warmUp(channel, warmUp, options);
      JvmMeters.resetPeakHeap();
      double cpu = JvmMeters.ownCpuSeconds();
      double receiverCpu = JvmMeters.cpuSecondsOf(receiverPid);
      TransferStats stats = TreeSender.send(channel,
          new SendRequest(data, "bench", "t", "src", "out", TransferKind.IMAGES, options), s -> { });
      System.out.println(String.join("\t", "BENCH result", Long.toString(stats.duration().toNanos()),
          Long.toString(stats.wireBytes()), Double.toString(JvmMeters.ownCpuSeconds() - cpu),
          Double.toString(JvmMeters.cpuSecondsOf(receiverPid) - receiverCpu), Long.toString(JvmMeters.peakHeap()),
          stats.compression().replaceAll(" \\(bytes.*", ""), stats.compressionReason().replace('\t', ' ')));
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * An agent is a long-lived JVM: measure it warm. Sends the warm-up tree until {@link #WARM_UP}
   * has passed (at least twice, at most {@link #WARM_UP_ROUNDS} times), so the JIT has compiled the
   * per-frame and per-chunk paths of both JVMs before the measured send; with one 32 MiB round the
   * compiler threads took a third of the measured run's CPU (perf), more on the TLS rows.
   */
  private static void warmUp(ManagedChannel channel, Path tree, TransferOptions options) {
    long start = System.nanoTime();
    for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
      TreeSender.send(channel, new SendRequest(tree, "bench", "t", "src", "warmup-" + round, TransferKind.IMAGES, options), s -> { });
      if (round >= 2 && System.nanoTime() - start > WARM_UP.toNanos()) {
        return;
      }
    }
  }

  private static final java.time.Duration WARM_UP = java.time.Duration.ofSeconds(6);
  private static final int WARM_UP_ROUNDS = 8;

  static Compression compression(String name) {
    return switch (name) {
      case "auto" -> Compression.auto();
      case "none" -> Compression.none();
      case "zstd1" -> Compression.zstd(1);
      default -> throw new IllegalArgumentException("compression must be auto, none or zstd1, was " + name);
    };
  }

  private BenchSender() {}
}
