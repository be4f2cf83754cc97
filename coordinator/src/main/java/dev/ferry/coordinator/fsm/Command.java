package dev.ferry.coordinator.fsm;

import java.time.Instant;

/**
 * What the FSM asks the executor to do. The FSM never calls agents; the executor runs these in
 * order after the decision that produced them has been persisted (write-ahead).
 */
public sealed interface Command {

  /** Capabilities of both nodes, checkpointability of the container, clock skew. */
  record RunPreflight(String containerId, String sourceNode, String targetNode, Strategy requested,
      java.time.Duration downtimeBudget, NonConvergence onNonConvergence) implements Command {}

  record PrepareTarget(String containerId, String sourceNode, String targetNode) implements Command {}

  /** Pre-dump round {@code round} on the source (its CPU capped first if auto-converge says so) and stream it to the target. */
  record PreDumpOnSource(String containerId, String sourceNode, String targetNode, int round,
      String transferToken, int cpuThrottlePercent) implements Command {}

  /** Freeze and final dump; {@code parentRound} 0 means no pre-copy parent; {@code lazy} is post-copy. */
  record DumpOnSource(String containerId, String sourceNode, int parentRound, boolean tcpEstablished,
      boolean lazy) implements Command {}

  record StartTransfer(String containerId, String sourceNode, String targetNode, String sourceImageId,
      String transferToken) implements Command {}

  record RestoreOnTarget(String containerId, String targetNode, String targetImageId, ClockPolicy clockPolicy,
      Instant frozenAt, boolean tcpEstablished, String pageServer) implements Command {}

  record VerifyOnTarget(String containerId, String targetNode) implements Command {}

  /** Destroy the source copy and its images: only after the target verified. */
  record FinalizeOnSource(String containerId, String sourceNode) implements Command {}

  /** Discard whatever the migration created on the target. Idempotent. */
  record AbortOnTarget(String containerId, String targetNode) implements Command {}

  /** Thaw the source container, or restore it from its own images; a running one is left alone. */
  record ResumeOnSource(String containerId, String sourceNode, String sourceImageId, String reason)
      implements Command {}

  /** Steps an agent can repeat without harm, so a retryable failure may re-issue them. */
  default boolean idempotent() {
    return switch (this) {
      case RunPreflight c -> true;
      case PrepareTarget c -> true;
      case VerifyOnTarget c -> true;
      case FinalizeOnSource c -> true;
      case AbortOnTarget c -> true;
      case ResumeOnSource c -> true;
      case PreDumpOnSource c -> false;
      case DumpOnSource c -> false;
      case StartTransfer c -> false;
      case RestoreOnTarget c -> false;
    };
  }
}
