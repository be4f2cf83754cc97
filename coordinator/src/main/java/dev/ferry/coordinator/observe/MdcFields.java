package dev.ferry.coordinator.observe;

import dev.ferry.coordinator.fsm.Migration;
import org.slf4j.MDC;

/** The log fields of a migration's lines on the coordinator: its id, container and both nodes. */
public final class MdcFields {
  public static final String MIGRATION = "migration";
  public static final String CONTAINER = "container";
  public static final String SOURCE = "source";
  public static final String TARGET = "target";

  private MdcFields() {}

  public static void put(Migration m) {
    MDC.put(MIGRATION, m.id());
    MDC.put(CONTAINER, m.containerId());
    MDC.put(SOURCE, m.sourceNode());
    if (!m.targetNode().isEmpty()) {
      MDC.put(TARGET, m.targetNode());
    }
  }

  public static void clear() {
    MDC.remove(MIGRATION);
    MDC.remove(CONTAINER);
    MDC.remove(SOURCE);
    MDC.remove(TARGET);
  }
}
