package dev.ferry.e2e.scenario;

import dev.ferry.proto.v1.Migration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One line per scenario: what was done, how it ended, the blackout the workload saw (largest
 * heartbeat gap), the total and the bytes on the wire. Printed as it grows and rewritten to
 * {@code target/fault-table.txt}, for every test class of the run (one JVM).
 */
public final class FaultTable {
  private static final Path FILE = Path.of("target", "fault-table.txt");
  private static final String FORMAT = "%-44s | %-62s | %10s | %9s | %12s%n";
  private static final List<String> ROWS = new ArrayList<>();
  private static final List<String> DETAILS = new ArrayList<>();

  private FaultTable() {}

  public static synchronized void add(String scenario, Invariants.Outcome o) {
    Migration m = o.migration();
    String outcome = switch (m.getPhase()) {
      case PHASE_DONE -> "DONE on " + o.runningOn();
      default -> m.getPhase().name().substring(6) + " " + m.getError().getReason() + " (" + m.getError().getPhase()
          .name().substring(6) + "), runs on " + o.runningOn();
    };
    if (m.hasError()) {
      DETAILS.add(scenario + ": " + m.getError().getReason() + ": " + m.getError().getMessage());
    }
    Duration total = Duration.ofSeconds(m.getStats().getTotal().getSeconds(), m.getStats().getTotal().getNanos());
    add(scenario, outcome, o.heartbeats().largestGap().realtime().toMillis() + " ms", total.toMillis() + " ms",
        m.getStats().getBytesOnWire() >> 10);
  }

  public static synchronized void add(String scenario, String outcome, String blackout, String total, long kibOnWire) {
    ROWS.add(String.format(FORMAT, scenario, outcome, blackout, total, kibOnWire + " KiB"));
    String table = String.format(FORMAT, "scenario", "outcome", "blackout", "total", "on wire") + "-".repeat(150)
        + "\n" + String.join("", ROWS) + (DETAILS.isEmpty() ? "" : "\nwhy, from the migration records:\n  "
        + String.join("\n  ", DETAILS) + "\n");
    System.out.print("fault-table | " + ROWS.getLast());
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, table);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
