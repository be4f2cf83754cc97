package dev.ferry.cli;

import dev.ferry.proto.v1.Migration;
import java.io.PrintWriter;

/**
 * The live progress line. On a terminal it is redrawn in place (carriage return); in a log or pipe
 * it prints one line per phase (or pre-copy round) change, so logs stay readable.
 */
final class ProgressLine {
  private final PrintWriter out;
  private final boolean terminal;
  private String lastStep = "";
  private int drawnWidth;

  ProgressLine(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(Migration m) {
    String line = "  " + MigrationText.progress(m);
    if (terminal) {
      // Pad with spaces so a shorter line fully covers the previous one.
      out.print("\r" + Render.pad(line, drawnWidth));
      drawnWidth = line.length();
    } else {
      String step = m.getPhase() + "/" + m.getProgress().getPrecopyRound();
      if (!step.equals(lastStep)) {
        out.println(line);
        lastStep = step;
      }
    }
    out.flush();
  }

  /** Ends the redrawn line so what follows starts on a fresh one. */
  void finish() {
    if (terminal && drawnWidth > 0) {
      out.println();
      drawnWidth = 0;
    }
    out.flush();
  }
}
