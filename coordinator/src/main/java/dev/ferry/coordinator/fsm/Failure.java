package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.util.Objects;

/** Why a step failed: a stable reason, a sentence for humans, and whether trying again may help. */
public sealed interface Failure {

  Reason reason();

  String message();

  boolean retryable();

  /** An agent did not answer (connection refused, deadline on a dead link): worth another try. */
  record Unreachable(Reason reason, String node, String message) implements Failure {
    public Unreachable {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** An agent ran the step and it failed (CRIU refused, checksum mismatch...). */
  record StepRejected(Reason reason, String node, String message, String criuLogTail) implements Failure {
    public StepRejected {
      Objects.requireNonNull(reason, "reason");
      criuLogTail = criuLogTail == null ? "" : criuLogTail;
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** Preflight said no before anything was frozen (missing capability, CPU, memory, skew). */
  record Refused(Reason reason, String message) implements Failure {
    @Override
    public boolean retryable() {
      return false;
    }
  }

  record Cancelled(String message) implements Failure {
    @Override
    public Reason reason() {
      return Reason.CANCELLED;
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  record TimedOut(String step, Duration limit) implements Failure {
    @Override
    public Reason reason() {
      return Reason.TIMEOUT;
    }

    @Override
    public String message() {
      return step + " did not finish within " + limit.toMillis() + " ms";
    }

    /** Only idempotent steps are ever retried, and for those another try is worth it. */
    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** The coordinator restarted while a step whose outcome it cannot know was in flight. */
  record Interrupted(String message) implements Failure {
    @Override
    public Reason reason() {
      return Reason.INTERNAL_ERROR;
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }
}
