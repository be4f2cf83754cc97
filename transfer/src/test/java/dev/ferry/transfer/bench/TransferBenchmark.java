package dev.ferry.transfer.bench;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.grpc.TransferService;
import dev.ferry.transfer.grpc.TreeSender;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeFixtures;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ferry's tree transfer against {@code tar | zstd -1 | zstd -d | tar} and plain {@code tar | tar}
 * on the same data in the same run, over loopback. Prints MB/s of raw data, the ratio to the
 * best baseline, bytes on the wire, CPU seconds and peak heap. Run with deploy/bench-transfer.sh.
 *
 * <p>Arguments: [work dir] [image MiB] [rootfs files]. Not a test: nothing here asserts a speed.
 */
public final class TransferBenchmark {
  private static final long MIB = 1 << 20;
  private static final SystemProcessRunner RUNNER = new SystemProcessRunner();

  record Row(String data, String method, long rawBytes, Duration wall, long wireBytes, double cpuSeconds, long peakHeap, String note) {
    double mbPerSecond() {
      return rawBytes / 1e6 / (wall.toNanos() / 1e9);
    }
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "/var/tmp/ferry-bench");
    long imageMiB = args.length > 1 ? Long.parseLong(args[1]) : 1024;
    int rootfsFiles = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    Files.createDirectories(work);
    Path images = work.resolve("images");
    Path rootfs = work.resolve("rootfs");
    if (!Files.exists(images)) {
      System.out.printf("generating %d MiB of checkpoint-like pages (zero, text-like and random 4 KiB pages)%n", imageMiB);
      Files.createDirectories(images);
      TreeFixtures.mixedPages(images.resolve("pages-1.img"), imageMiB * MIB, 1);
      for (String small : new String[] {"core-1.img", "mm-1.img", "pagemap-1.img", "files.img", "inventory.img"}) {
        TreeFixtures.mixedPages(images.resolve(small), 8192 + small.length() * 1000L, small.hashCode());
      }
    }
    if (!Files.exists(rootfs)) {
      System.out.printf("generating a root filesystem of %d small files%n", rootfsFiles);
      smallFiles(rootfs, rootfsFiles);
    }
    List<Row> rows = new ArrayList<>();
    warmUp(work, images);
    for (Path data : List.of(images, rootfs)) {
      String name = data.getFileName().toString();
      long raw = sizeOf(data);
      rows.add(pipe(work, data, name, "tar | tar", raw, false));
      rows.add(pipe(work, data, name, "tar | zstd -1 | zstd -d | tar", raw, true));
      rows.add(ferry(work, data, name, raw, TransferOptions.defaults()));
      rows.add(ferry(work, data, name, raw, TransferOptions.defaults().withCompression(dev.ferry.transfer.Compression.none())));
      rows.add(ferry(work, data, name, raw, TransferOptions.defaults().withCompression(dev.ferry.transfer.Compression.zstd(1))));
    }
    print(rows);
  }

  private static void warmUp(Path work, Path images) throws Exception {
    Path small = work.resolve("warmup");
    if (!Files.exists(small)) {
      Files.createDirectories(small);
      TreeFixtures.mixedPages(small.resolve("pages.img"), 64 * MIB, 9);
    }
    ferry(work, small, "warmup", sizeOf(small), TransferOptions.defaults());
  }

  private static Row ferry(Path work, Path data, String name, long raw, TransferOptions options) throws Exception {
    Path target = work.resolve("target-ferry");
    clean(target);
    Files.createDirectories(target);
    Receiver receiver = new Receiver(new MigrationDirs(target, "bench", "t", "src"), ReceiverOptions.defaults(), Ticker.SYSTEM);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new TransferService(receiver)).build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      System.gc();
      ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
      long cpuBefore = processCpuNanos();
      TransferStats stats = TreeSender.send(channel,
          new SendRequest(data, "bench", "t", "src", "out", TransferKind.IMAGES, options), s -> { });
      double cpu = (processCpuNanos() - cpuBefore) / 1e9;
      long heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
          .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      String mode = options.compression() instanceof dev.ferry.transfer.Compression.Auto ? "auto: " : "fixed: ";
      return new Row(name, "ferry " + options.parallelStreams() + " streams, " + mode + stats.compression().replaceAll(" \\(bytes.*", ""), raw,
          stats.duration(), stats.wireBytes(), cpu, heap, stats.compressionReason());
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
      clean(target);
    }
  }

  private static final Pattern DD_BYTES = Pattern.compile("(\\d+) bytes");
  private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

  /** The baseline pipe; dd counts the bytes that would cross a link, bash's times the CPU. */
  private static Row pipe(Path work, Path data, String name, String label, long raw, boolean zstd) throws IOException {
    Path target = work.resolve("target-tar");
    clean(target);
    Files.createDirectories(target);
    Path ddLog = work.resolve("dd.log");
    String link = "dd bs=1M 2>" + ddLog;
    String script = zstd
        ? "tar -C %s -cf - . | zstd -1 -q -c | %s | zstd -d -q -c | tar -C %s -xf -".formatted(data, link, target)
        : "tar -C %s -cf - . | %s | tar -C %s -xf -".formatted(data, link, target);
    long start = System.nanoTime();
    ProcessResult r = RUNNER.runChecked(ProcessSpec.of("bash", "-c", "set -o pipefail; " + script + "; times")
        .withTimeout(Duration.ofMinutes(30)));
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    Matcher dd = DD_BYTES.matcher(Files.readString(ddLog));
    long wire = dd.find() ? Long.parseLong(dd.group(1)) : -1;
    String[] timesLines = r.stdout().strip().split("\n");
    Matcher children = TIMES.matcher(timesLines[timesLines.length - 1]);
    double cpu = children.find()
        ? Integer.parseInt(children.group(1)) * 60 + Double.parseDouble(children.group(2))
            + Integer.parseInt(children.group(3)) * 60 + Double.parseDouble(children.group(4))
        : -1;
    clean(target);
    return new Row(name, label, raw, wall, wire, cpu, 0, "");
  }

  private static void print(List<Row> rows) {
    System.out.println();
    System.out.printf("%-8s %-48s %9s %9s %10s %8s %10s%n", "data", "method", "MB/s", "vs best", "wire MB", "CPU s", "peak heap");
    for (Row row : rows) {
      double best = rows.stream().filter(b -> b.data().equals(row.data()) && !b.method().startsWith("ferry"))
          .mapToDouble(Row::mbPerSecond).max().orElse(1);
      System.out.printf("%-8s %-48s %9.0f %9.2f %10.1f %8.1f %10s%n", row.data(), row.method(), row.mbPerSecond(),
          row.mbPerSecond() / best, row.wireBytes() / 1e6, row.cpuSeconds(),
          row.peakHeap() == 0 ? "-" : (row.peakHeap() / MIB) + " MiB");
    }
    System.out.println();
    rows.stream().filter(r -> !r.note().isEmpty())
        .forEach(r -> System.out.printf("%s %s: %s%n", r.data(), r.method(), r.note()));
    System.out.println("(loopback only; CPU s is sender + receiver for every method; ferry's heap includes both sides)");
  }

  /** Many small files: text-like configs, a few binaries, some empty files, in nested directories. */
  private static void smallFiles(Path root, int count) throws IOException {
    Random random = new Random(3);
    byte[] text = "# configuration line with some words and numbers 1234567890\n".getBytes();
    for (int i = 0; i < count; i++) {
      Path dir = root.resolve("d" + (i % 97) + "/s" + (i % 13));
      Files.createDirectories(dir);
      int size = random.nextInt(10) == 0 ? 0 : 256 + random.nextInt(16 << 10);
      byte[] content = new byte[size];
      if (random.nextInt(4) == 0) {
        random.nextBytes(content);
      } else {
        for (int j = 0; j < size; j++) {
          content[j] = text[(j + i) % text.length];
        }
      }
      Files.write(dir.resolve("f" + i), content);
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void clean(Path dir) throws IOException {
    if (Files.exists(dir)) {
      RUNNER.runChecked(ProcessSpec.of("rm", "-rf", dir.toString()));
    }
  }

  private TransferBenchmark() {}
}
