package dev.ferry.coordinator.observe;

import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.Phase;
import dev.ferry.coordinator.fsm.PhaseChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Phase, result and strategy as metric labels and span names, and how long a phase lasted. */
public final class PhaseNames {
  private PhaseNames() {}

  /** {@code FreezeAndDump} → {@code freeze_and_dump}: Prometheus label style. */
  public static String label(Phase p) {
    return p.label().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** Two versions are in the same phase unless the phase's kind (or pre-copy round) changed; transfer progress is not a new phase. */
  public static boolean samePhase(Phase a, Phase b) {
    if (a instanceof Phase.PreCopy(int ra) && b instanceof Phase.PreCopy(int rb)) {
      return ra == rb;
    }
    return a.getClass() == b.getClass();
  }

  /** {@code done}, {@code rolled_back} or {@code failed}. */
  public static String result(Migration m) {
    return label(m.phase());
  }

  /** The stable reason code of the failure, or {@code none}. */
  public static String reason(Migration m) {
    Failure f = m.failure();
    return f == null ? "none" : f.reason().name();
  }

  public static String strategy(Migration m) {
    return m.strategy() == null ? "none" : m.strategy().strategy().name().toLowerCase(Locale.ROOT);
  }

  /**
   * How long {@code m} has been in its current phase at {@code at}: since the history entry that
   * entered it (retries of the same phase do not restart the clock), or since creation.
   */
  public static Optional<Duration> timeInPhase(Migration m, Instant at) {
    List<PhaseChange> history = m.history();
    Instant entered = m.createdAt();
    for (int i = history.size() - 1; i >= 0; i--) {
      PhaseChange c = history.get(i);
      if (!samePhase(c.from(), c.to()) && samePhase(c.to(), m.phase())) {
        entered = c.at();
        break;
      }
    }
    if (entered == null || at == null || at.isBefore(entered)) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(entered, at));
  }
}
