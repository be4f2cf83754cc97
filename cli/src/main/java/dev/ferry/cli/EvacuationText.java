package dev.ferry.cli;

import dev.ferry.proto.v1.EvacuationItem;
import dev.ferry.proto.v1.Phase;
import java.util.List;

/** Per-container lines and tables for evacuate and drain. */
final class EvacuationText {
  private EvacuationText() {}

  /** {@code ct1  -> node-b  transfer  (m-7)}. */
  static String item(EvacuationItem i) {
    String line = i.getContainerId() + "  -> " + Render.orDash(i.getTargetNode()) + "  " + Render.phase(i.getPhase());
    if (!i.getMigrationId().isBlank()) {
      line += "  (" + i.getMigrationId() + ")";
    }
    return i.hasError() ? line + "  " + reason(i) : line;
  }

  static String table(List<EvacuationItem> items) {
    return Render.table(
        List.of("container", "target", "phase", "migration", "reason"),
        items.stream()
            .map(i -> List.of(i.getContainerId(), Render.orDash(i.getTargetNode()), Render.phase(i.getPhase()),
                Render.orDash(i.getMigrationId()), i.hasError() ? reason(i) : "-"))
            .toList());
  }

  static String reason(EvacuationItem i) {
    return i.getError().getReason().name() + ": " + i.getError().getMessage();
  }

  static boolean moved(EvacuationItem i) {
    return i.getPhase() == Phase.PHASE_DONE;
  }
}
