package dev.ferry.cli;

import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Follows one migration's event stream to its terminal phase. The coordinator may restart or fail
 * over mid-migration (its state is in etcd), so a lost stream is re-opened with backoff.
 */
final class MigrationFollower {
  static final int MAX_RECONNECTS = 6;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);

  private final CoordinatorClient client;
  private final Sleeper sleeper;
  private final PrintWriter err;

  MigrationFollower(CoordinatorClient client, Sleeper sleeper, PrintWriter err) {
    this.client = client;
    this.sleeper = sleeper;
    this.err = err;
  }

  /** Feeds every event to {@code onEvent} and returns the migration in its terminal phase. */
  Migration follow(String migrationId, Consumer<MigrationEvent> onEvent) throws InterruptedException {
    int attempts = 0;
    while (true) {
      try {
        var events = client.watch(migrationId);
        while (events.hasNext()) {
          MigrationEvent event = events.next();
          attempts = 0;
          onEvent.accept(event);
          if (MigrationText.terminal(event.getMigration().getPhase())) {
            return event.getMigration();
          }
        }
        // The stream ended without a terminal event: the record is the truth.
        Migration now = client.migration(migrationId);
        if (MigrationText.terminal(now.getPhase())) {
          return now;
        }
        if (++attempts > MAX_RECONNECTS) {
          throw new CliFailure(ExitCodes.FAILED, "error: the coordinator keeps ending the progress stream while "
              + migrationId + " is " + Render.phase(now.getPhase()) + "; follow it with: migrate watch "
              + migrationId, null);
        }
      } catch (CliFailure f) {
        if (f.exitCode() != ExitCodes.UNREACHABLE || ++attempts > MAX_RECONNECTS) {
          throw f;
        }
        err.println("coordinator unavailable, reconnecting (" + attempts + "/" + MAX_RECONNECTS + ")");
        err.flush();
      }
      sleeper.sleep(backoff(attempts));
    }
  }

  static Duration backoff(int attempt) {
    Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 10));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }
}
