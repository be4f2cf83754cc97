package dev.ferry.e2e.lane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.ferry.coordinator.fsm.PrecopyStopRule;
import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PrecopyRound;
import dev.ferry.proto.v1.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pre-copy and post-copy for real, on Debian's stock kernel booted under emulation (this machine's
 * kernel has no soft-dirty tracking): the guest runs {@link StockKernelLane} once, these tests judge
 * what it recorded. One boot serves every test: the guest and its JVMs are slow.
 */
class StockKernelLaneIT {
  private static final Path OUT = Path.of("target", "stock-kernel-lane").toAbsolutePath();
  private static final Duration LANE_TIMEOUT = Duration.ofMinutes(30);
  /** {@code -Dferry.lane.baseline=true}: the lane also moves the pre-copy workload with stop-and-copy (about two minutes more). */
  private static final boolean BASELINE = Boolean.getBoolean("ferry.lane.baseline");

  @BeforeAll
  static void runTheLaneInAGuest() {
    ProcessResult r = new SystemProcessRunner().run(ProcessSpec.of("bash", laneScript().toString(), OUT.toString())
        .withEnv(Map.of("FERRY_LANE_CLASSPATH", runtimeJars(),
            "FERRY_LANE_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "FERRY_LANE_BASELINE", BASELINE ? "1" : ""))
        .withStdoutFile(OUT.resolveSibling("stock-kernel-lane.log"))
        .withTimeout(LANE_TIMEOUT));
    // No skipping: a machine without the lane's packages fails here with the script's reason (setup-host.sh installs them).
    // The log is appended to run after run: its tail is this run's end (vng's own errors go there too).
    assertThat(OUT.resolve("lane.done")).as("the guest finished the lane (log: target/stock-kernel-lane.log, exit %d): %s%n%s",
        r.exitCode(), r.stderrTail(5), dev.ferry.process.Tails.lastLines(r.stdout(), 5)).exists();
    assertThat(OUT.resolve("lane.failed")).as("the lane's own failure").satisfies(p ->
        assertThat(Files.exists(p) ? Files.readString(p) : "").isEmpty());
  }

  @Test
  void preCopyTakesShrinkingRoundsAndFreezesForLessThanAFullDump() throws IOException {
    Migration pre = migration("precopy");
    assertThat(pre.getPhase()).as("%s", pre.getError()).isEqualTo(Phase.PHASE_DONE);
    assertThat(pre.getChosenStrategy()).isEqualTo(Strategy.STRATEGY_PRECOPY);
    List<PrecopyRound> rounds = pre.getRoundsList();
    assertThat(rounds).as("pre-copy rounds").hasSizeGreaterThanOrEqualTo(2);
    assertThat(rounds.getLast().getBytes()).as("last round vs the first (full) one").isLessThan(rounds.getFirst().getBytes() / 4);
    // How much a round dirties is the workload's doing (a burst of writes can grow one); what Ferry owes is
    // the stop rule: a round that grew by more than 10% is the last one (unless its estimate already fit the
    // budget, which stops the rounds first), and the record says why.
    double growthLimit = 1 + PrecopyStopRule.DEFAULT.growthLimit(); // the rule the lane's coordinator runs
    for (int i = 1; i < rounds.size() - 1; i++) {
      assertThat((double) rounds.get(i).getBytes()).as("round %d vs round %d, and another round followed", i + 1, i)
          .isLessThanOrEqualTo(rounds.get(i - 1).getBytes() * growthLimit);
    }
    assertThat(pre.getStopReason()).as("the record says why the rounds stopped").isNotBlank();
    long last = rounds.getLast().getBytes();
    long beforeLast = rounds.get(rounds.size() - 2).getBytes();
    if (last > beforeLast * growthLimit) {
      assertThat(pre.getStopReason()).as("the last round grew (%d -> %d bytes)", beforeLast, last)
          .containsAnyOf("grew", "fits the");
    }
    // The root filesystem went while the workload ran; after the freeze only its delta (the heartbeat log).
    assertThat(pre.getHistoryList()).as("history").anySatisfy(t -> assertThat(t.getDetail())
        .startsWith("root filesystem's first pass, while the container runs"));
    // The first round pre-dumps all of the workload's memory: what a stop-and-copy would dump frozen.
    assertThat(pre.getStats().getBytesRaw()).as("bytes sent after the freeze (final dump and rootfs delta) vs the full first round")
        .isLessThan(rounds.getFirst().getBytes() / 2);
    verdictOk("precopy");
  }

  @Test
  void stopAndCopyOfTheSameWorkloadDumpsAllAndFreezesLonger() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(BASELINE, "the stop-and-copy baseline runs with -Dferry.lane.baseline=true");
    Migration stop = migration("stopcopy");
    Migration pre = migration("precopy");
    assertThat(stop.getPhase()).as("%s", stop.getError()).isEqualTo(Phase.PHASE_DONE);
    assertThat(pre.getStats().getBytesRaw()).as("final dump of a pre-copy vs the stop-and-copy's full dump")
        .isLessThan(stop.getStats().getBytesRaw() / 2);
    assertThat(Durations.toMillis(pre.getStats().getBlackout())).as("pre-copy's blackout vs stop-and-copy's")
        .isLessThan(Durations.toMillis(stop.getStats().getBlackout()));
    verdictOk("stopcopy");
  }

  @Test
  void postCopyBlackoutDoesNotGrowWithMemory() throws IOException {
    Migration small = migration("postcopy-small");
    Migration big = migration("postcopy-big");
    for (Migration m : List.of(small, big)) {
      assertThat(m.getPhase()).as("%s", m.getError()).isEqualTo(Phase.PHASE_DONE);
      assertThat(m.getChosenStrategy()).isEqualTo(Strategy.STRATEGY_POSTCOPY);
    }
    long smallMs = Durations.toMillis(small.getStats().getBlackout());
    long bigMs = Durations.toMillis(big.getStats().getBlackout());
    // Four times the memory; a stop-and-copy blackout grows with it, a post-copy one must not (noise allowed).
    assertThat((double) bigMs).as("blackout at %d MiB (%d ms) vs %d MiB (%d ms)", StockKernelLane.POSTCOPY_BIG_MIB, bigMs,
            StockKernelLane.POSTCOPY_SMALL_MIB, smallMs)
        .isLessThan(Math.max(2.0 * smallMs, smallMs + 500));
    verdictOk("postcopy-small");
    verdictOk("postcopy-big");
  }

  private static void verdictOk(String name) throws IOException {
    assertThat(Files.readString(OUT.resolve(name + ".verdict")))
        .as("invariants after %s (one running copy, memory checksums verified after every page arrived, clocks)", name)
        .isEqualTo("ok");
  }

  private static Migration migration(String name) throws IOException {
    Path json = OUT.resolve(name + ".json");
    assertThat(json).as("the lane recorded %s", name).exists();
    Migration.Builder b = Migration.newBuilder();
    JsonFormat.parser().merge(Files.readString(json), b);
    return b.build();
  }

  /**
   * The guest's classpath: this module's jar and its runtime dependencies (target/lib, copied at
   * package), jars only, so one class-data archive made on the host covers every class the guest loads.
   */
  private static String runtimeJars() {
    Path target = OUT.getParent();
    try (var jars = Files.list(target); var lib = Files.list(target.resolve("lib"))) {
      List<Path> own = jars.filter(p -> p.getFileName().toString().matches("ferry-e2e-tests-[^-]+(-SNAPSHOT)?\\.jar")).toList();
      assertThat(own).as("this module's jar in %s (the lane runs after package)", target).hasSize(1);
      return java.util.stream.Stream.concat(own.stream(), lib.filter(p -> p.toString().endsWith(".jar")).sorted())
          .map(Path::toString).collect(java.util.stream.Collectors.joining(":"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path laneScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve("deploy/stock-kernel-lane.sh");
      if (Files.exists(script)) {
        return script;
      }
    }
    throw new IllegalStateException("deploy/stock-kernel-lane.sh not found above " + Path.of("").toAbsolutePath());
  }
}
