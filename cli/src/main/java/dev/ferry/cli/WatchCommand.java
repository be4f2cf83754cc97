package dev.ferry.cli;

import dev.ferry.proto.v1.MigrationEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code migrate watch [ID]}: with an id, follow that migration like {@code migrate} does (exit code from its
 * outcome); without, print every migration event until the coordinator ends the stream.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Follow one migration to its end (exit 1 if it rolls back or fails), or every migration's events.",
      "With --output json, one JSON document per event (JSON lines)."})
final class WatchCommand extends CoordinatorSubcommand {
  @Parameters(arity = "0..1", paramLabel = "ID", description = "Migration id (default: all migrations).")
  String migrationId;

  @Override
  int run(CoordinatorClient client) throws InterruptedException {
    if (migrationId != null) {
      return new MigrationReporter(runtime(), output(), true).follow(client, client.migration(migrationId));
    }
    var events = client.watch("");
    while (events.hasNext()) {
      MigrationEvent event = events.next();
      if (json()) {
        JsonOutput.print(out(), event);
      } else {
        print(MigrationText.event(event));
      }
    }
    return ExitCodes.OK;
  }
}
