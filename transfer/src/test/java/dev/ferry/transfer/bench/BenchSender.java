package dev.ferry.transfer.bench;

import dev.ferry.transfer.Compression;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.grpc.TreeSender;
import io.grpc.ManagedChannel;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * The sending agent of one benchmark row, as its own JVM. Warms up on a small tree (several rounds), then sends
 * the data once and prints one tab-separated line: "BENCH result", duration nanos, wire bytes,
 * own CPU s, the receiver's CPU s over the same interval, own peak heap, compression, reason.
 *
 * <p>Arguments: data dir, warm-up dir (with "images" and "rootfs"), host, port, compression (auto,
 * none, zstd1), security, pki dir, receiver pid, what the data is ("images" or "rootfs"), the target's file
 * system (for {@link Dirs#recyclePages}) and the data's raw bytes.
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
      Dirs.recyclePages(Path.of(args[9]), Long.parseLong(args[10]));
      JvmMeters.resetPeakHeap();
      double cpu = JvmMeters.ownCpuSeconds();
      double receiverCpu = JvmMeters.cpuSecondsOf(receiverPid);
      TransferStats stats = TreeSender.send(channel,
          new SendRequest(data, "bench", "t", "src", "out", kindOf(args[8]), options), s -> { });
      System.out.println(String.join("\t", "BENCH result", Long.toString(stats.duration().toNanos()),
          Long.toString(stats.wireBytes()), Double.toString(JvmMeters.ownCpuSeconds() - cpu),
          Double.toString(JvmMeters.cpuSecondsOf(receiverPid) - receiverCpu), Long.toString(JvmMeters.peakHeap()),
          stats.compression().replaceAll(" \\(bytes.*", ""), stats.compressionReason().replace('\t', ' ')));
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * An agent is a long-lived JVM: measure it warm. Sends the warm-up trees round after round for at
   * least {@link #WARM_UP_MIN}, then until the JIT has settled: a round in which this JVM's compiler
   * threads worked less than {@link #JIT_SETTLED} of the round's time (the receiver runs the same
   * paths on the same data, so it settles with it). After a fixed 6 s on this 2-core machine the JIT
   * was still compiling ~600 methods a second and deoptimising (Xlog:jit+compilation): C2 took 19-27%
   * of the measured send's CPU, twice that on TLS rows. Bounded by {@link #WARM_UP_MAX} and
   * {@link #WARM_UP_ROUNDS}. Each round replaces the last one's tree on the receiver.
   */
  private static void warmUp(ManagedChannel channel, Path trees, TransferOptions options) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long start = System.nanoTime();
    double share = 1;
    int round = 1;
    for (; round <= WARM_UP_ROUNDS; round++) {
      long jitBefore = jit.getTotalCompilationTime();
      long roundStart = System.nanoTime();
      for (String tree : new String[] {"rootfs", "images"}) { // a migration's order: the root filesystem, then the checkpoint
        TreeSender.send(channel, new SendRequest(trees.resolve(tree), "bench", "t", "src", WARM_UP_DESTINATION + "-" + tree,
            kindOf(tree), options), s -> { });
      }
      share = (jit.getTotalCompilationTime() - jitBefore) / ((System.nanoTime() - roundStart) / 1e6);
      long elapsed = System.nanoTime() - start;
      if (elapsed > WARM_UP_MAX.toNanos() || elapsed > WARM_UP_MIN.toNanos() && share < JIT_SETTLED) {
        break;
      }
    }
    System.out.printf("BENCH warm-up %d rounds in %.1f s, JIT %.0f%% of the last round%n",
        Math.min(round, WARM_UP_ROUNDS), (System.nanoTime() - start) / 1e9, 100 * share);
  }

  static final String WARM_UP_DESTINATION = "warmup";
  private static final java.time.Duration WARM_UP_MIN = java.time.Duration.ofSeconds(6);
  private static final java.time.Duration WARM_UP_MAX = java.time.Duration.ofSeconds(40);
  private static final double JIT_SETTLED = 0.05;
  private static final int WARM_UP_ROUNDS = 40;

  /** Root filesystems and memory images settle their compression levels apart, as an agent's do. */
  private static TransferKind kindOf(String data) {
    return data.equals("rootfs") ? TransferKind.ROOTFS_FULL : TransferKind.IMAGES;
  }

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
