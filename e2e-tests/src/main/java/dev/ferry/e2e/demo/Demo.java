package dev.ferry.e2e.demo;

import dev.ferry.agent.runtime.TimeOffsets;
import dev.ferry.testkit.CheckpointRestoreScenario;
import dev.ferry.testkit.CheckpointRestoreScenario.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * README's demo: the workload in a real crun container with its own time namespace,
 * checkpointed by CRIU, kept dead for two seconds, restored, and judged by its own heartbeats.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws IOException {
    int memoryMiB = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    Duration wait = Duration.ofSeconds(2);
    TimeOffsets offsets = new TimeOffsets(Duration.ofDays(10), Duration.ofDays(20));
    Path work = Files.createTempDirectory("ferry-demo");
    System.out.printf("Ferry demo: a %d MiB workload in crun with its own time namespace (monotonic +%d d, boottime +%d d)%n",
        memoryMiB, offsets.monotonic().toDays(), offsets.boottime().toDays());
    System.out.println("  checkpoint with CRIU -> wait " + wait.toSeconds() + " s -> restore -> verify memory and clocks");
    try {
      Result r = new CheckpointRestoreScenario(work).run(memoryMiB, wait, offsets);
      System.out.println();
      row("checkpoint (crun checkpoint + CRIU dump)", r.checkpoint().toMillis() + " ms, " + (r.imageBytes() >> 20) + " MiB of images");
      row("restore (crun restore + CRIU)", r.restore().toMillis() + " ms");
      row("blackout seen by the workload", r.blackout().realtime().toMillis() + " ms (largest heartbeat gap)");
      row("CLOCK_MONOTONIC across it", "+" + r.blackout().monotonic().toMillis() + " ms (CRIU pauses it; dump/restore time leaks in)");
      row("CLOCK_BOOTTIME across it", "+" + r.blackout().boottime().toMillis() + " ms");
      row("same process continued", r.log().sequenceBreak().map(s -> "NO: " + s).orElse("yes, heartbeat sequence unbroken"));
      row("memory checksum", r.log().memoryErrors() == 0
          ? "intact (" + r.passesAfterRestore() + " full verification passes after restore)"
          : r.log().memoryErrors() + " corrupted pages");
      row("clocks went backwards", r.log().clockWentBackwards().orElse("never"));
      boolean ok = r.log().sequenceBreak().isEmpty() && r.log().memoryErrors() == 0 && r.log().clockWentBackwards().isEmpty();
      System.out.println();
      System.out.println(ok ? "Result: the container survived checkpoint and restore intact." : "Result: FAILED");
      System.exit(ok ? 0 : 1);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void row(String what, String value) {
    System.out.printf("  %-42s %s%n", what, value);
  }
}
