package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Something that happened to a migration: a step's outcome, an operator's request, a deadline. */
public sealed interface Event {

  /** The scheduler gave the migration a slot and a target. */
  record Admitted(String targetNode, String placementReason) implements Event {}

  /** A driver took the admitted migration up (also what recovery sends for a Planned one). */
  record Started() implements Event {}

  /** @param clockSkew the wall-clock skew measured between the nodes; null if it was not measured */
  record PreflightPassed(String capabilitiesSummary, StrategyChoice choice, ClockSkew clockSkew) implements Event {
    public PreflightPassed {
      Objects.requireNonNull(choice, "choice");
    }

    public PreflightPassed(String capabilitiesSummary, StrategyChoice choice) {
      this(capabilitiesSummary, choice, null);
    }
  }

  record PreflightFailed(Failure failure) implements Event {}

  /**
   * @param rootfsBytesRaw the root filesystem's first pass, sent while the container runs; -1 if the
   *                       source's agent predates it (the whole tree then travels after the freeze)
   */
  record TargetPrepared(String targetImageId, String transferToken, long rootfsBytesRaw, long rootfsBytesOnWire)
      implements Event {
    /** Without a first pass. */
    public TargetPrepared(String targetImageId, String transferToken) {
      this(targetImageId, transferToken, -1, -1);
    }
  }

  record RoundDumped(PrecopyRound stats) implements Event {}

  /** Final dump done; for post-copy the page server that serves the memory. */
  record DumpCompleted(String sourceImageId, long imageBytes, Instant frozenAt, String pageServer)
      implements Event {
    public DumpCompleted {
      pageServer = pageServer == null ? "" : pageServer;
    }
  }

  record TransferProgressed(long bytesDone) implements Event {}

  record TransferCompleted(long bytesRaw, long bytesOnWire) implements Event {}

  /** @param clockJumps what the container's clocks did, as the target measured them; null if it did not */
  record Restored(Duration restoreDuration, Instant resumedAt, ClockJumps clockJumps) implements Event {
    public Restored(Duration restoreDuration, Instant resumedAt) {
      this(restoreDuration, resumedAt, null);
    }
  }

  record Verified(String detail) implements Event {}

  record Committed() implements Event {}

  record RollbackCompleted() implements Event {}

  record StepFailed(Failure failure) implements Event {}

  record CancelRequested(String reason) implements Event {}

  /**
   * A leader picked the migration up again after nobody could drive it for {@code held}: the
   * previous leader died, was deposed, or etcd had no quorum so no transition could be written
   * (nothing is acted on unwritten). Past {@code holdLimit} a migration whose container runs
   * nowhere (Transfer: source dumped, target not restored) rolls back instead of going on.
   */
  record Resumed(Duration held, Duration holdLimit) implements Event {
    public Resumed {
      Objects.requireNonNull(held, "held");
      Objects.requireNonNull(holdLimit, "holdLimit");
      if (held.isNegative()) {
        held = Duration.ZERO; // the last writer's clock ran ahead of ours: no hold we can measure
      }
    }
  }

  /** A per-GiB or stall deadline passed for the current step. */
  record Timeout(String step, Duration limit) implements Event {}

  default String label() {
    return getClass().getSimpleName();
  }
}
