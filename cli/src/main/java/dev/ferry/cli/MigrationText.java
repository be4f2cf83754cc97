package dev.ferry.cli;

import dev.ferry.proto.v1.ClockJumps;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import dev.ferry.proto.v1.MigrationStats;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PhaseTransition;
import dev.ferry.proto.v1.Progress;
import dev.ferry.proto.v1.Strategy;
import java.util.Locale;

/** How a migration reads as text: the progress line, the final summary and the status page. */
final class MigrationText {
  private MigrationText() {}

  static boolean terminal(Phase p) {
    return p == Phase.PHASE_DONE || p == Phase.PHASE_ROLLED_BACK || p == Phase.PHASE_FAILED;
  }

  /** {@code migrating ct42 node-a -> node-b (migration m-1)}. */
  static String header(Migration m) {
    return "migrating " + m.getContainerId() + " " + route(m) + " (migration " + m.getMigrationId() + ")";
  }

  static String route(Migration m) {
    String target = m.getTargetNode().isBlank() ? "(placement)" : m.getTargetNode();
    return Render.orDash(m.getSourceNode()) + " -> " + target;
  }

  /** {@code precopy round 2  120.5 MiB / 512.0 MiB (23%)  85.3 MiB/s  detail}. */
  static String progress(Migration m) {
    Progress p = m.getProgress();
    var line = new StringBuilder(Render.phase(m.getPhase()));
    if (p.getPrecopyRound() > 0) {
      line.append(" round ").append(p.getPrecopyRound());
    }
    if (p.getBytesTotal() > 0) {
      long pct = Math.min(100, Math.round(100.0 * p.getBytesDone() / p.getBytesTotal()));
      line.append("  ").append(Render.bytes(p.getBytesDone())).append(" / ")
          .append(Render.bytes(p.getBytesTotal())).append(" (").append(pct).append("%)");
    } else if (p.getBytesDone() > 0) {
      line.append("  ").append(Render.bytes(p.getBytesDone()));
    }
    if (p.getRateBytesPerSecond() > 0) {
      line.append("  ").append(Render.rate(p.getRateBytesPerSecond()));
    }
    if (!p.getDetail().isBlank()) {
      line.append("  ").append(p.getDetail());
    }
    return line.toString();
  }

  /** What an operator wants after a migration: outcome, why this strategy, blackout, bytes, clocks. */
  static String summary(Migration m) {
    var text = new StringBuilder();
    String outcome = m.getPhase() == Phase.PHASE_DONE ? "moved" : "NOT moved (" + Render.phase(m.getPhase()) + ")";
    text.append(m.getContainerId()).append(' ').append(outcome).append(' ').append(route(m))
        .append(" (migration ").append(m.getMigrationId()).append(")\n");
    row(text, "strategy", strategy(m));
    if (!m.getPlacementReason().isBlank()) {
      row(text, "placement", m.getPlacementReason());
    }
    MigrationStats s = m.getStats();
    if (m.hasStats()) {
      row(text, "blackout", s.hasBlackout() ? Render.toJava(s.getBlackout()).toMillis() + " ms" : "-");
      row(text, "total time", Render.duration(s.getTotal()));
      row(text, "on the wire", wire(s));
      if (s.hasClockJumps()) {
        row(text, "clock jumps", clocks(s.getClockJumps()));
      }
    }
    if (m.getRoundsCount() > 0) {
      row(text, "pre-copy", m.getRoundsCount() + " round(s)"
          + (m.getStopReason().isBlank() ? "" : ", stopped: " + m.getStopReason()));
    }
    return text.toString();
  }

  /** The status page: the summary plus where it is now and how it got there. */
  static String status(Migration m) {
    var text = new StringBuilder(summary(m));
    row(text, "phase", terminal(m.getPhase()) ? Render.phase(m.getPhase()) : progress(m));
    row(text, "clock policy", Render.clockPolicy(m.getClockPolicy()));
    if (m.hasDowntimeBudget()) {
      row(text, "budget", Render.duration(m.getDowntimeBudget()));
    }
    row(text, "created", Render.timestamp(m.getCreatedAt()));
    row(text, "updated", Render.timestamp(m.getUpdatedAt()));
    if (m.hasFinishedAt()) {
      row(text, "finished", Render.timestamp(m.getFinishedAt()));
    }
    if (m.hasError()) {
      row(text, "error", CliErrors.describe(m.getError()).substring("error: ".length()));
    }
    if (m.getHistoryCount() > 0) {
      text.append("  history:\n");
      for (PhaseTransition t : m.getHistoryList()) {
        text.append("    ").append(Render.timestamp(t.getAt())).append("  ")
            .append(Render.phase(t.getFrom())).append(" -> ").append(Render.phase(t.getTo()));
        if (!t.getEvent().isBlank()) {
          text.append("  ").append(t.getEvent());
        }
        if (!t.getDetail().isBlank()) {
          text.append(": ").append(t.getDetail());
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  /** One line per event when watching every migration. */
  static String event(MigrationEvent e) {
    Migration m = e.getMigration();
    String line = Render.timestamp(e.getAt()) + "  " + m.getMigrationId() + "  " + m.getContainerId() + "  "
        + route(m) + "  " + progress(m);
    return e.getMessage().isBlank() ? line : line + "  " + e.getMessage();
  }

  private static String strategy(Migration m) {
    String chosen = Render.strategy(m.getChosenStrategy());
    String text = m.getRequestedStrategy() != Strategy.STRATEGY_UNSPECIFIED
            && m.getRequestedStrategy() != m.getChosenStrategy()
        ? chosen + " (requested " + Render.strategy(m.getRequestedStrategy()) + ")"
        : chosen;
    return m.getStrategyReason().isBlank() ? text : text + ": " + m.getStrategyReason();
  }

  private static String wire(MigrationStats s) {
    var text = new StringBuilder(Render.bytes(s.getBytesOnWire()));
    text.append(" (raw ").append(Render.bytes(s.getBytesRaw()));
    if (s.getBytesOnWire() > 0 && s.getBytesRaw() > 0) {
      text.append(String.format(Locale.ROOT, ", ratio %.2f", (double) s.getBytesRaw() / s.getBytesOnWire()));
    }
    if (!s.getCompression().isBlank()) {
      text.append(", ").append(s.getCompression());
    }
    return text.append(')').toString();
  }

  private static String clocks(ClockJumps c) {
    return "monotonic " + Render.signedMillis(c.getMonotonic()) + ", boottime " + Render.signedMillis(c.getBoottime())
        + " (policy " + Render.clockPolicy(c.getPolicy()) + ")";
  }

  private static void row(StringBuilder text, String label, String value) {
    text.append("  ").append(Render.pad(label, 13)).append(value).append('\n');
  }
}
