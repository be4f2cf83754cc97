package dev.ferry.agent.runtime;

import java.nio.file.Path;

/** What {@code crun state} says of one container. */
public record CrunState(String id, String status, int pid, Path bundle) {
  public boolean running() {
    return "running".equals(status);
  }

  public boolean paused() {
    return "paused".equals(status);
  }
}
