package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import java.util.regex.Pattern;

/** The migration a step belongs to, and the epoch of the coordinator that ordered it. */
public record MigrationContext(String migrationId, long epoch) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public MigrationContext {
    if (migrationId == null || migrationId.isEmpty()) {
      migrationId = "manual";
    } else if (!ID.matcher(migrationId).matches()) {
      throw AgentException.invalid("invalid migration id: use 1-64 characters of letters, digits, '.', '_' or '-'");
    }
    if (epoch < 0) {
      throw AgentException.invalid("epoch must not be negative, was " + epoch);
    }
  }
}
