package dev.ferry.coordinator.fsm;

import java.util.List;

/** An event that the current phase does not accept. Carries enough to debug without the store. */
public final class IllegalTransitionException extends RuntimeException {
  private final String migrationId;
  private final Phase phase;
  private final Event event;
  private final List<PhaseChange> recentHistory;

  public IllegalTransitionException(Migration m, Event event) {
    super("migration " + m.id() + " in phase " + m.phase().label() + " does not accept " + event.label()
        + " (recent: " + recent(m.history()).stream().map(c -> c.from().label() + "->" + c.to().label()).toList()
        + ")");
    this.migrationId = m.id();
    this.phase = m.phase();
    this.event = event;
    this.recentHistory = recent(m.history());
  }

  private static List<PhaseChange> recent(List<PhaseChange> history) {
    return List.copyOf(history.subList(Math.max(0, history.size() - 5), history.size()));
  }

  public String migrationId() {
    return migrationId;
  }

  public Phase phase() {
    return phase;
  }

  public Event event() {
    return event;
  }

  public List<PhaseChange> recentHistory() {
    return recentHistory;
  }
}
