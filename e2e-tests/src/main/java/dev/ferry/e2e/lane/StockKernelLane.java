package dev.ferry.e2e.lane;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.scenario.CliMigration;
import dev.ferry.e2e.scenario.Invariants;
import dev.ferry.e2e.scenario.Migrations;
import dev.ferry.proto.v1.DeleteContainerRequest;
import dev.ferry.proto.v1.ListClusterContainersRequest;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PrecopyRound;
import dev.ferry.proto.v1.Strategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stock-kernel lane, run INSIDE a guest booted on Debian's own kernel (deploy/stock-kernel-lane.sh),
 * where dirty-page tracking and CRIU's lazy pages work: etcd, a coordinator and two agents, then a
 * workload moved with pre-copy, and post-copy at two memory sizes. With {@code --with-baseline} the
 * same pre-copy workload is first moved with stop-and-copy, the blackout pre-copy is compared with
 * (two minutes more under emulation: CI's run leaves it out and judges the final dump against the
 * first, full, round instead).
 * Each migration's record goes to {@code OUT/<name>.json} and the invariant verdict (one running copy,
 * memory checksums, clocks) to {@code OUT/<name>.verdict}; the host's StockKernelLaneIT judges them.
 */
public final class StockKernelLane {
  /**
   * Memory rewritten per second by the pre-copy workload: what the rounds chase. Sizes are small
   * because every CPU cycle is emulated (the workload also re-verifies its whole memory every 2 s;
   * the lane must finish in CI's 10 minutes); the ratios the lane asserts do not depend on them: a
   * pre-copy's final dump against a full one, and four times the memory for post-copy.
   */
  static final double DIRTY_MIB_PER_SECOND = 1;
  /**
   * Pre-copy chases a slower writer: under emulation a round moves about 1.4 MiB/s, so at 1 MiB/s
   * the workload rewrites most of its memory during every round and no round can be smaller.
   */
  static final double PRECOPY_DIRTY_MIB_PER_SECOND = 0.125;
  /**
   * ...within a hot working set of 2 MiB. Debian's kernel backs the workload with transparent huge
   * pages and tracks dirty memory per 2 MiB page: rewrites spread over all 32 MiB made every round
   * re-copy ~94% of it (7,750 of 8,222 pages, six rounds, seen here at 32 MiB); a service's hot set is smaller.
   */
  static final int PRECOPY_WORKING_SET_MIB = 2;
  static final int PRECOPY_MIB = 16;
  static final int POSTCOPY_SMALL_MIB = 8;
  static final int POSTCOPY_BIG_MIB = 4 * POSTCOPY_SMALL_MIB;
  static final Duration PRECOPY_BUDGET = Duration.ofMillis(300);
  static final int MAX_ROUNDS = 6;

  private final LocalCluster cluster;
  private final Path out;
  private final CliMigration workloads;
  private final Migrations migrations;
  private final Invariants invariants;

  private StockKernelLane(LocalCluster cluster, Path out) {
    this.cluster = cluster;
    this.out = out;
    this.workloads = new CliMigration(cluster);
    this.migrations = new Migrations(cluster);
    this.invariants = new Invariants(cluster);
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    boolean baseline = args.length > 1 && args[1].equals("--with-baseline");
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("ferry-lane");
    long start = System.nanoTime();
    watchLogs(work);
    // Capability trials (real CRIU runs, one at a time) and JVM starts are slow under emulation: generous readiness.
    // Lean: the lane measures pre-copy and post-copy; TLS in emulated software and one more JVM start would swamp both.
    try (LocalCluster cluster = LocalCluster.start(work, List.of("nodeA", "nodeB"), Duration.ofMinutes(15), "fk", 14,
        dev.ferry.e2e.cluster.ObserveFlags.NONE, dev.ferry.e2e.cluster.ClusterMode.LEAN)) {
      log("cluster up in %d s (etcd, coordinator, two agents; kernel %s)", seconds(start), kernel());
      StockKernelLane lane = new StockKernelLane(cluster, out);
      if (baseline) {
        lane.run("stopcopy", PRECOPY_MIB, PRECOPY_DIRTY_MIB_PER_SECOND, PRECOPY_WORKING_SET_MIB, Strategy.STRATEGY_STOPCOPY);
      }
      lane.run("precopy", PRECOPY_MIB, PRECOPY_DIRTY_MIB_PER_SECOND, PRECOPY_WORKING_SET_MIB, Strategy.STRATEGY_PRECOPY);
      lane.run("postcopy-small", POSTCOPY_SMALL_MIB, DIRTY_MIB_PER_SECOND, 0, Strategy.STRATEGY_POSTCOPY);
      lane.run("postcopy-big", POSTCOPY_BIG_MIB, DIRTY_MIB_PER_SECOND, 0, Strategy.STRATEGY_POSTCOPY);
    } catch (RuntimeException | Error e) {
      Files.writeString(out.resolve("lane.failed"), e + "\n" + stack(e));
      log("lane failed: %s", e);
    }
    keepLogs(work, out.resolve("logs"));
    Files.writeString(out.resolve("lane.done"), "lane finished in " + seconds(start) + " s\n");
    log("lane finished in %d s", seconds(start));
    System.exit(0);
  }

  private void run(String name, int memoryMiB, double dirtyMiBPerSecond, int workingSetMiB, Strategy strategy) throws IOException {
    String ct = "lane-" + name;
    long t0 = System.nanoTime();
    workloads.createWorkload("nodeA", ct, memoryMiB, dirtyMiBPerSecond, workingSetMiB);
    log("%s: workload of %d MiB dirtying %.3f MiB/s (working set %s) verified on nodeA in %d s", name, memoryMiB,
        dirtyMiBPerSecond, workingSetMiB == 0 ? "all" : workingSetMiB + " MiB", seconds(t0));
    // The coordinator learns containers from the agents' periodic reports.
    org.awaitility.Awaitility.await("the coordinator sees " + ct).atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> cluster.coordinator().stub().withDeadlineAfter(10, TimeUnit.SECONDS).listContainers(
            ListClusterContainersRequest.newBuilder().setNode("nodeA").build()).getContainersList().stream()
            .anyMatch(c -> c.getContainerId().equals(ct)));
    String id = cluster.coordinator().stub().withDeadlineAfter(60, TimeUnit.SECONDS).migrate(MigrateRequest.newBuilder()
        .setContainerId(ct).setSourceNode("nodeA").setTargetNode("nodeB").setStrategy(strategy)
        .setDowntimeBudget(Durations.fromMillis(PRECOPY_BUDGET.toMillis())).setMaxPrecopyRounds(MAX_ROUNDS).build())
        .getMigrationId();
    Migration m = follow(id, Duration.ofMinutes(8));
    String verdict;
    try {
      invariants.check(ct, id);
      verdict = "ok";
    } catch (AssertionError | RuntimeException e) {
      verdict = e.getMessage();
    }
    m = migrations.get(id);
    Files.writeString(out.resolve(name + ".json"), JsonFormat.printer().print(m));
    Files.writeString(out.resolve(name + ".verdict"), verdict);
    log("%s: %s %s in %d s, blackout %d ms, %d bytes moved at freeze; verdict: %s", name, m.getChosenStrategy(),
        m.getPhase(), seconds(t0), Durations.toMillis(m.getStats().getBlackout()), m.getStats().getBytesRaw(), verdict);
    for (PrecopyRound r : m.getRoundsList()) {
      log("  round %d: %d pages, %d bytes, %d ms, dirty rate %.1f MiB/s", r.getRound(), r.getPagesWritten(), r.getBytes(),
          Durations.toMillis(r.getDuration()), r.getDirtyRateBytesPerSecond() / (1 << 20));
    }
    if (!m.getStopReason().isEmpty()) {
      log("  stop: %s", m.getStopReason());
    }
    remove(ct);
  }

  /** Waits for the end, printing each phase as it comes: under emulation a migration takes minutes. */
  private Migration follow(String id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long start = System.nanoTime();
    Phase seen = null;
    while (true) {
      Migration m;
      try {
        m = migrations.get(id);
      } catch (RuntimeException e) {
        m = null; // the coordinator is slow to answer under emulation; ask again
      }
      if (m != null && m.getPhase() != seen) {
        seen = m.getPhase();
        log("  %s at %d s: %s", id, seconds(start), seen);
      }
      if (seen == Phase.PHASE_DONE || seen == Phase.PHASE_ROLLED_BACK || seen == Phase.PHASE_FAILED) {
        return m;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " did not finish within " + timeout + " (last seen in " + seen + ")");
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private void remove(String ct) {
    for (AgentNode a : cluster.agents()) {
      try {
        a.stub().withDeadlineAfter(60, TimeUnit.SECONDS).deleteContainer(
            DeleteContainerRequest.newBuilder().setContainerId(ct).setForce(true).build());
      } catch (RuntimeException e) {
        // Not on this node.
      }
    }
  }

  /**
   * Every 30 s, the newest line of each component's log: they live in the guest's memory until the
   * end, and under emulation the host would otherwise see nothing of a start that takes minutes.
   */
  private static void watchLogs(Path work) {
    Thread.ofVirtual().name("lane-progress").start(() -> {
      java.util.Map<Path, String> shown = new java.util.HashMap<>();
      while (true) {
        try {
          Thread.sleep(30_000);
          try (var files = Files.list(work)) {
            List<Path> logs = new java.util.ArrayList<>(files.filter(p -> p.toString().endsWith(".log")).toList());
            for (String node : List.of("nodeA", "nodeB")) {
              logs.add(work.resolve(node).resolve(node + "-agent.log"));
            }
            for (Path log : logs) {
              if (Files.isRegularFile(log)) {
                List<String> lines = Files.readAllLines(log);
                String last = lines.isEmpty() ? "" : lines.getLast();
                if (!last.equals(shown.put(log, last))) {
                  log("  %s: %s", log.getFileName(), last.length() > 200 ? last.substring(0, 200) : last);
                }
              }
            }
          }
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          // A log being written or rotated: next time.
        }
      }
    });
  }

  /** The components' logs live in the guest's memory; the host sees only what is copied to the window. */
  private static void keepLogs(Path work, Path logs) throws IOException {
    Files.createDirectories(logs);
    try (var files = Files.walk(work)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log") && Files.isRegularFile(p)).toList()) {
        Files.copy(log, logs.resolve(work.relativize(log).toString().replace('/', '_')),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static String kernel() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long seconds(long startNanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  private static String stack(Throwable e) {
    var w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  private static final long LANE_START = System.nanoTime();

  /** Every line carries the seconds since the lane's JVM started: the phases' times under emulation are what the lane tunes. */
  private static void log(String format, Object... args) {
    System.out.printf("[lane %4d s] " + format + "%n", java.util.stream.Stream.concat(java.util.stream.Stream.of(seconds(LANE_START)),
        java.util.Arrays.stream(args)).toArray());
  }
}
