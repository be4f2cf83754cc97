package dev.ferry.coordinator.fsm;

/**
 * Where a migration stands. A phase names the step whose command was issued and whose
 * outcome the coordinator awaits, so a recovering coordinator knows what may be in flight.
 */
public sealed interface Phase {

  /** Waiting for a scheduler slot; the container's lock is already held. */
  record Queued() implements Phase {}

  /** Admitted: target fixed and counted against the limits; no agent touched yet. */
  record Planned() implements Phase {}

  record Preflight() implements Phase {}

  record PrepareTarget() implements Phase {}

  /** Pre-dump round {@code round} (1-based) is being taken and streamed to the target. */
  record PreCopy(int round) implements Phase {
    public PreCopy {
      if (round < 1) {
        throw new IllegalArgumentException("pre-copy rounds start at 1, was " + round);
      }
    }
  }

  /** The source is frozen: final dump in progress. */
  record FreezeAndDump() implements Phase {}

  record Transfer(long bytesDone) implements Phase {}

  record Restore() implements Phase {}

  record Verify() implements Phase {}

  /** Past the point of no return: the target runs, the source copy is being destroyed. */
  record Commit() implements Phase {}

  record Done() implements Phase {}

  /** Undoing: target cleans up, source resumes. */
  record RollingBack(Failure cause) implements Phase {}

  /** The container runs on its source again (or never stopped); the cause says why. */
  record RolledBack(Failure cause) implements Phase {}

  /** Refused before anything moved, or a rollback that could not finish: needs a person. */
  record Failed(Failure cause) implements Phase {}

  default boolean terminal() {
    return this instanceof Done || this instanceof RolledBack || this instanceof Failed;
  }

  /** Before the commit point a failure rolls back; from commit on, the only way is forward. */
  default boolean beforeCommit() {
    return switch (this) {
      case Queued q -> true;
      case Planned p -> true;
      case Preflight p -> true;
      case PrepareTarget p -> true;
      case PreCopy p -> true;
      case FreezeAndDump f -> true;
      case Transfer t -> true;
      case Restore r -> true;
      case Verify v -> true;
      case Commit c -> false;
      case Done d -> false;
      case RollingBack r -> false;
      case RolledBack r -> false;
      case Failed f -> false;
    };
  }

  /** Short label for logs and history: the record's simple name. */
  default String label() {
    return getClass().getSimpleName();
  }
}
