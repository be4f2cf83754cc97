package dev.ferry.transfer.bench;

import dev.ferry.process.SystemProcessRunner;
import dev.ferry.transfer.testing.TreeFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Ferry's tree transfer against {@code tar | zstd -1 | zstd -d | tar} and plain {@code tar | tar}
 * on the same data in the same run, over loopback and over a real 1 Gbit/s link (two network
 * namespaces, a veth shaped by tc), with plaintext and mutual TLS on both TLS engines. Prints
 * MB/s of raw data, the ratio to the best baseline on that link, TLS vs plaintext, bytes on the
 * wire, CPU seconds and peak heap. Run with deploy/bench-transfer.sh.
 *
 * <p>Arguments: work dir, image MiB, rootfs files, links ("loopback,1gbit"), securities
 * ("PLAIN,TLS_OPENSSL,TLS_JDK"), compressions ("auto,none,zstd1"). Not a test: nothing here
 * asserts a speed.
 */
public final class TransferBenchmark {
  private static final long MIB = 1 << 20;
  private static final SystemProcessRunner RUNNER = new SystemProcessRunner();
  /** The benchmark's own namespaces and addresses (198.18.0.0/15 is for benchmarks and tests). */
  private static final String LINK_PREFIX = "bn";
  private static final String LINK_SUBNET = "198.18.213";

  public static void main(String[] args) throws Exception {
    Path work = Path.of(arg(args, 0, "/var/tmp/ferry-bench"));
    long imageMiB = Long.parseLong(arg(args, 1, "1024"));
    int rootfsFiles = Integer.parseInt(arg(args, 2, "20000"));
    List<String> links = List.of(arg(args, 3, "loopback,1gbit").split(","));
    List<Security> securities = Arrays.stream(arg(args, 4, "PLAIN,TLS_OPENSSL,TLS_JDK").split(",")).map(Security::valueOf).toList();
    List<String> compressions = List.of(arg(args, 5, "auto,none,zstd1").split(","));
    int repeat = Integer.parseInt(arg(args, 6, "1"));
    List<String> spreads = new ArrayList<>();
    Files.createDirectories(work);
    Path images = work.resolve("images");
    Path rootfs = work.resolve("rootfs");
    Path warmUp = work.resolve("warmup");
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
      smallFiles(rootfs, rootfsFiles, 3);
    }
    if (!Files.exists(warmUp)) {
      // A migration's two trees, other content than the measured ones. The pages are large enough that C2 compiles the
      // long-write paths (netty's epoll loop, write queue, pooled buffers) during the warm-up: after 10 s of rounds with
      // 32 MiB the first 512 MiB send still spent 513 ms compiling. The files are as many as the measured root
      // filesystem's: with 1000, the first 20,000-file sends still compiled for 100-590 ms each after 15 s of warm-up.
      Files.createDirectories(warmUp.resolve("images"));
      TreeFixtures.mixedPages(warmUp.resolve("images/pages.img"), 128 * MIB, 9);
      smallFiles(warmUp.resolve("rootfs"), rootfsFiles, 4);
    }
    Path pki = BenchPki.create(work.resolve("pki"), List.of("127.0.0.1", LINK_SUBNET + ".2"));
    PipeBaseline pipes = new PipeBaseline(RUNNER, work);
    FerryRun ferry = new FerryRun(RUNNER, work, pki, warmUp);
    List<Row> rows = new ArrayList<>();
    for (String linkName : links) {
      ShapedLink shaped = linkName.equals("loopback") ? null : new ShapedLink(RUNNER, LINK_PREFIX, LINK_SUBNET, linkName).up();
      try {
        Where where = shaped == null ? new Where.Loopback() : new Where.Link(shaped);
        for (Path data : List.of(images, rootfs)) {
          String name = data.getFileName().toString();
          long raw = Dirs.sizeOf(data);
          // Every row's samples interleaved per repetition, baselines included, so a noisy neighbour hits all rows alike;
          // TLS rows right after their plaintext row.
          Map<String, List<Row>> samples = new LinkedHashMap<>();
          for (int r = 0; r < repeat; r++) {
            sample(samples, "tar", pipes.run(where, data, name, raw, false));
            sample(samples, "tar|zstd", pipes.run(where, data, name, raw, true));
            for (String compression : compressions) {
              for (Security security : securities) {
                if (security == Security.TLS_JDK && !compression.equals("none") && compressions.contains("none")) {
                  continue; // the engines are compared on the raw stream, where encryption is the largest share of the work
                }
                sample(samples, compression + " " + security, ferry.run(where, data, name, raw, compression, security));
              }
            }
          }
          for (List<Row> sample : samples.values()) {
            Row median = median(sample);
            rows.add(median);
            if (sample.size() > 1) {
              spreads.add(String.format("%s %s %s%s: median of %s MB/s", median.where(), median.data(), median.method(),
                  median.isBaseline() ? "" : " (" + median.security().label() + ")",
                  sample.stream().map(r -> String.format("%.0f", r.mbPerSecond())).toList()));
            }
          }
        }
      } finally {
        if (shaped != null) {
          shaped.close();
        }
      }
    }
    new BenchTable(rows).print(System.out);
    spreads.forEach(System.out::println);
  }

  /** The sample with the median throughput (the lower one of the middle two for an even count). */
  private static Row median(List<Row> sample) {
    List<Row> sorted = sample.stream().sorted(java.util.Comparator.comparingDouble(Row::mbPerSecond)).toList();
    return sorted.get((sorted.size() - 1) / 2);
  }

  private static void sample(Map<String, List<Row>> samples, String row, Row measured) {
    samples.computeIfAbsent(row, k -> new ArrayList<>()).add(progress(measured));
  }

  private static Row progress(Row row) {
    System.out.printf("  %s %s %s %s: %.0f MB/s%n", row.where(), row.data(), row.method(),
        row.isBaseline() ? "" : row.security().label(), row.mbPerSecond());
    return row;
  }

  private static String arg(String[] args, int i, String otherwise) {
    return args.length > i && !args[i].isBlank() ? args[i] : otherwise;
  }

  /** Many small files: text-like configs, a few binaries, some empty files, in nested directories. */
  private static void smallFiles(Path root, int count, long seed) throws IOException {
    Random random = new Random(seed);
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

  private TransferBenchmark() {}
}
