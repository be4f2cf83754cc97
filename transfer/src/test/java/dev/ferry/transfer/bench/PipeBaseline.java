package dev.ferry.transfer.bench;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baselines: {@code tar | [zstd -1 |] <link> | [zstd -d |] tar}. On loopback the link is a
 * pipe; on a shaped link it is a real TCP connection from the sender's namespace (bash's
 * /dev/tcp) to {@code busybox nc -l} in the receiver's. The timed pipes are exactly these: the
 * bytes on the wire are counted in a pass of their own ({@code tar | [zstd -1 |] wc -c}, untimed),
 * because a counting stage inside the pipe (dd bs=1M) cost tar|tar 20 to 40% on loopback. bash's
 * {@code times} gives the CPU of both sides.
 */
final class PipeBaseline {
  private static final int PORT = 5201;
  private static final Duration LIMIT = Duration.ofMinutes(30);
  private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

  private final ProcessRunner runner;
  private final Path work;
  /** Wire bytes per sending side (data directory and compression): the same every repetition. */
  private final Map<String, Long> wireBytes = new HashMap<>();

  PipeBaseline(ProcessRunner runner, Path work) {
    this.runner = runner;
    this.work = work;
  }

  Row run(Where where, Path data, String name, long raw, boolean zstd) throws IOException {
    Path target = work.resolve("target-tar");
    Dirs.clean(runner, target);
    Files.createDirectories(target);
    String send = sendingSide(data, zstd);
    String decompress = zstd ? "zstd -d -q -c | " : "";
    String label = zstd ? "tar | zstd -1 | zstd -d | tar" : "tar | tar";
    Dirs.recyclePages(work, raw);
    long start = System.nanoTime();
    double cpu;
    if (where instanceof Where.Link link) {
      Path receiverOut = work.resolve("nc-receiver.out");
      Files.deleteIfExists(receiverOut);
      String receive = "set -o pipefail; busybox nc -l -p %d </dev/null | %star -C %s -xf -; times".formatted(PORT, decompress, target);
      try (RunningProcess receiver = runner.start(ProcessSpec.of(where.receiver(List.of("bash", "-c", receive)))
          .withStdoutFile(receiverOut).withTimeout(LIMIT))) {
        // Retries until the listener is up, then streams into the connection; closing it ends the receiver's nc.
        String connectAndSend = ("set -o pipefail; until exec 3>/dev/tcp/%s/%d; do sleep 0.05; done 2>/dev/null; "
            + "%s >&3; exec 3>&-; times").formatted(link.receiverHost(), PORT, send);
        ProcessResult sent = runner.runChecked(ProcessSpec.of(where.sender(List.of("bash", "-c", connectAndSend))).withTimeout(LIMIT));
        receiver.await(LIMIT).orElseThrow().orThrow();
        cpu = childCpu(sent.stdout()) + childCpu(Files.readString(receiverOut));
      }
    } else {
      String script = "set -o pipefail; %s | %star -C %s -xf -; times".formatted(send, decompress, target);
      cpu = childCpu(runner.runChecked(ProcessSpec.of("bash", "-c", script).withTimeout(LIMIT)).stdout());
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    Dirs.clean(runner, target);
    return new Row(name, where.name(), label, null, raw, wall, wireBytes(send), cpu, 0, "");
  }

  /** The sender's half of every pipe, timed or counted: the tree as tar, compressed or not. */
  private static String sendingSide(Path data, boolean zstd) {
    return "tar -C %s -cf - .%s".formatted(data, zstd ? " | zstd -1 -q -c" : "");
  }

  /** What the timed pipe's link carries, counted apart from it. */
  private long wireBytes(String send) {
    return wireBytes.computeIfAbsent(send, key -> {
      String count = "set -o pipefail; %s | wc -c".formatted(send);
      return Long.parseLong(runner.runChecked(ProcessSpec.of("bash", "-c", count).withTimeout(LIMIT)).stdout().strip());
    });
  }

  /** The children's user + system seconds from the last line of bash's {@code times}. */
  private static double childCpu(String output) {
    String[] lines = output.strip().split("\n");
    Matcher children = TIMES.matcher(lines[lines.length - 1]);
    if (!children.find()) {
      return -1;
    }
    return Integer.parseInt(children.group(1)) * 60 + Double.parseDouble(children.group(2))
        + Integer.parseInt(children.group(3)) * 60 + Double.parseDouble(children.group(4));
  }
}
