package dev.ferry.cli;

import dev.ferry.proto.v1.Migration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migrate cancel ID [--reason TEXT]}: a queued migration is dropped, a running one rolls back. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = "Cancel a migration: a queued one is dropped, a running one rolls back (the container keeps running on its source).")
final class CancelCommand extends CoordinatorSubcommand {
  @Parameters(paramLabel = "ID", description = "Migration id.")
  String migrationId;

  @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled by operator",
      description = "Recorded in the migration's history (default: ${DEFAULT-VALUE}).")
  String reason;

  @Override
  int run(CoordinatorClient client) {
    Migration m = client.cancel(migrationId, reason);
    if (json()) {
      JsonOutput.print(out(), m);
      return ExitCodes.OK;
    }
    return print("cancel requested for " + m.getMigrationId() + " (" + m.getContainerId() + " " + MigrationText.route(m)
        + "): now " + Render.phase(m.getPhase()));
  }
}
