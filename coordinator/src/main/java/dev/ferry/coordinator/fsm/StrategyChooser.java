package dev.ferry.coordinator.fsm;

import java.time.Duration;

/**
 * Picks how memory moves from what preflight saw. A requested strategy the hosts cannot do is
 * refused with the capability that is missing, never silently replaced (DESIGN.md "Strategies").
 *
 * @param assumedThroughputBytesPerSecond used to estimate a stop-and-copy blackout before any
 *     transfer was measured
 */
public record StrategyChooser(long assumedThroughputBytesPerSecond, Duration fixedCost) {

  public static final StrategyChooser DEFAULT = new StrategyChooser(200L << 20, Duration.ofMillis(150));

  public sealed interface Outcome {}

  public record Chosen(StrategyChoice choice) implements Outcome {}

  public record Refusal(Failure.Refused failure) implements Outcome {}

  public Outcome choose(Strategy requested, NodeCapabilities source, NodeCapabilities target, long memoryBytes,
      Duration budget) {
    return choose(requested, NonConvergence.FREEZE, source, target, memoryBytes, budget);
  }

  /** As above; a pre-copy that may switch to post-copy when it does not converge needs lazy pages too. */
  public Outcome choose(Strategy requested, NonConvergence onNonConvergence, NodeCapabilities source,
      NodeCapabilities target, long memoryBytes, Duration budget) {
    Outcome outcome = chooseStrategy(requested, source, target, memoryBytes, budget);
    if (outcome instanceof Chosen(var c) && c.strategy() == Strategy.PRECOPY
        && onNonConvergence == NonConvergence.POSTCOPY && !lazy(source, target)) {
      return refuse("pre-copy that switches to post-copy when it does not converge needs lazy pages on both nodes: "
          + lazyMissing(source, target));
    }
    return outcome;
  }

  private Outcome chooseStrategy(Strategy requested, NodeCapabilities source, NodeCapabilities target,
      long memoryBytes, Duration budget) {
    return switch (requested) {
      case PRECOPY -> source.dirtyTracking().available()
          ? chosen(Strategy.PRECOPY, "requested; " + source.node() + " tracks dirty memory")
          : refuse("pre-copy needs dirty-memory tracking on " + source.node() + ": "
              + source.dirtyTracking().reason());
      case POSTCOPY -> lazy(source, target)
          ? chosen(Strategy.POSTCOPY, "requested; lazy pages work on both nodes")
          : refuse("post-copy needs lazy pages (userfaultfd) on both nodes: " + lazyMissing(source, target));
      case STOPCOPY -> chosen(Strategy.STOPCOPY, "requested");
      case AUTO -> auto(source, target, memoryBytes, budget);
    };
  }

  private Outcome auto(NodeCapabilities source, NodeCapabilities target, long memoryBytes, Duration budget) {
    if (source.dirtyTracking().available()) {
      return chosen(Strategy.PRECOPY, "auto: " + source.node() + " tracks dirty memory, so pre-copy keeps the "
          + "blackout to the last dirty pages");
    }
    Duration estimate = Duration.ofNanos((long) (memoryBytes * 1e9 / assumedThroughputBytesPerSecond))
        .plus(fixedCost);
    String noDirty = "auto: no dirty-memory tracking on " + source.node() + " ("
        + source.dirtyTracking().reason() + "); ";
    if (estimate.compareTo(budget) <= 0) {
      return chosen(Strategy.STOPCOPY, noDirty + "stop-and-copy of " + (memoryBytes >> 20) + " MiB is estimated at "
          + estimate.toMillis() + " ms, within the " + budget.toMillis() + " ms budget");
    }
    if (lazy(source, target)) {
      return chosen(Strategy.POSTCOPY, noDirty + "stop-and-copy is estimated at " + estimate.toMillis()
          + " ms, over the " + budget.toMillis() + " ms budget, and lazy pages work on both nodes"
          + " (the source must outlive the page transfer)");
    }
    return chosen(Strategy.STOPCOPY, noDirty + "stop-and-copy is estimated at " + estimate.toMillis()
        + " ms, over the " + budget.toMillis() + " ms budget, but no lazy pages: " + lazyMissing(source, target));
  }

  private static boolean lazy(NodeCapabilities source, NodeCapabilities target) {
    return source.lazyPages().available() && target.lazyPages().available();
  }

  private static String lazyMissing(NodeCapabilities source, NodeCapabilities target) {
    StringBuilder why = new StringBuilder();
    for (NodeCapabilities n : new NodeCapabilities[] {source, target}) {
      if (!n.lazyPages().available()) {
        why.append(why.isEmpty() ? "" : "; ").append(n.node()).append(": ").append(n.lazyPages().reason());
      }
    }
    return why.toString();
  }

  private static Outcome chosen(Strategy s, String reason) {
    return new Chosen(new StrategyChoice(s, reason));
  }

  private static Outcome refuse(String message) {
    return new Refusal(new Failure.Refused(Reason.CAPABILITY_MISSING, message));
  }
}
