package dev.ferry.e2e.demo;

import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.scenario.CliMigration;
import dev.ferry.proto.v1.Migration;
import dev.ferry.testkit.HeartbeatLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * README's demo: etcd, a coordinator and three agents, each agent on its own "host" (a network
 * namespace); {@code ct42} created on nodeA and moved with {@code migrate --from nodeA --to
 * nodeB ct42}; then the verdict, measured from inside the workload.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws IOException {
    int memoryMiB = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    Path work = Files.createTempDirectory("ferry-demo");
    int exit = 1;
    System.out.println("Ferry demo: etcd, a coordinator and agents on nodeA, nodeB, nodeC (network namespaces 198.18.0.11-13)");
    try (LocalCluster cluster = LocalCluster.start(work, List.of("nodeA", "nodeB", "nodeC"), Duration.ofSeconds(120))) {
      CliMigration scenario = new CliMigration(cluster);
      System.out.printf("creating ct42 on nodeA: the test workload, %d MiB of live memory, heartbeats every 5 ms%n", memoryMiB);
      scenario.createWorkload("nodeA", "ct42", memoryMiB);
      System.out.println("$ migrate --from nodeA --to nodeB ct42");
      CliMigration.Result r = scenario.migrate("nodeA", "nodeB", "ct42");
      exit = report(r) ? 0 : 1;
    } finally {
      if (exit == 0 || System.getenv("FERRY_DEMO_KEEP") == null) {
        try (Stream<Path> files = Files.walk(work)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } else {
        System.out.println("logs and state kept in " + work + " (FERRY_DEMO_KEEP)");
      }
    }
    System.exit(exit);
  }

  private static boolean report(CliMigration.Result r) {
    HeartbeatLog hb = r.heartbeats();
    HeartbeatLog.Gap gap = hb.largestGap();
    Migration m = r.migration();
    System.out.println();
    System.out.println("Seen from inside the container (its own heartbeats, now written on nodeB):");
    row("blackout (largest heartbeat gap)", gap.realtime().toMillis() + " ms");
    row("CLOCK_MONOTONIC across it", "+" + gap.monotonic().toMillis() + " ms");
    row("CLOCK_BOOTTIME across it", "+" + gap.boottime().toMillis() + " ms");
    row("same process continued", hb.sequenceBreak().map(s -> "NO: " + s).orElse("yes, heartbeat sequence unbroken"));
    row("memory checksum", hb.memoryErrors() == 0 ? "intact, verified again on nodeB" : hb.memoryErrors() + " corrupted pages");
    row("clocks went backwards", hb.clockWentBackwards().orElse("never"));
    System.out.println("From the migration record:");
    row("phase", m.getPhase().name());
    row("total time", r.total().toMillis() + " ms (CLI start to finish)");
    row("bytes on the wire", (m.getStats().getBytesOnWire() >> 20) + " MiB (" + (m.getStats().getBytesRaw() >> 20) + " MiB raw)");
    boolean ok = r.exitCode() == 0 && hb.sequenceBreak().isEmpty() && hb.memoryErrors() == 0 && hb.clockWentBackwards().isEmpty();
    System.out.println();
    System.out.println(ok ? "Result: ct42 moved from nodeA to nodeB while it kept its memory, its process and its clocks."
        : "Result: FAILED (exit code " + r.exitCode() + ")");
    return ok;
  }

  private static void row(String what, String value) {
    System.out.printf("  %-36s %s%n", what, value);
  }
}
