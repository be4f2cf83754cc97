package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one transition: the next version of the migration, and the commands to run,
 * in order, once it is persisted. {@code delay} is a retry back-off to wait before the commands.
 */
public record Decision(Migration next, List<Command> commands, Duration delay) {
  public Decision {
    Objects.requireNonNull(next, "next");
    commands = List.copyOf(commands);
    delay = delay == null ? Duration.ZERO : delay;
  }

  public static Decision of(Migration next, Command... commands) {
    return new Decision(next, List.of(commands), Duration.ZERO);
  }
}
