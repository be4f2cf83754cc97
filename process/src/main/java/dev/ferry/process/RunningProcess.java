package dev.ferry.process;

import java.time.Duration;
import java.util.Optional;

/** A process started by {@link ProcessRunner#start} that the caller waits for or stops. */
public interface RunningProcess extends AutoCloseable {

  long pid();

  boolean isAlive();

  /** Waits up to {@code timeout}; empty if it is still running then. */
  Optional<ProcessResult> await(Duration timeout);

  /** SIGTERM, then SIGKILL after the spec's grace period; returns what it did. */
  ProcessResult stop();

  @Override
  default void close() {
    if (isAlive()) {
      stop();
    }
  }
}
