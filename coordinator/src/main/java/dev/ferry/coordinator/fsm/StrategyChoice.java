package dev.ferry.coordinator.fsm;

import java.util.Objects;

/** The strategy a migration uses and the sentence that explains why, kept in its record. */
public record StrategyChoice(Strategy strategy, String reason) {
  public StrategyChoice {
    Objects.requireNonNull(strategy, "strategy");
    if (strategy == Strategy.AUTO) {
      throw new IllegalArgumentException("AUTO is a request, not a choice");
    }
    Objects.requireNonNull(reason, "reason");
  }
}
