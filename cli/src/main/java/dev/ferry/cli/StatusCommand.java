package dev.ferry.cli;

import dev.ferry.proto.v1.Migration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code migrate status ID}: one migration's record. Exits 0 when the coordinator answered, whatever the phase. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show one migration: phase, progress, strategy and why, stats, error and phase history.")
final class StatusCommand extends CoordinatorSubcommand {
  @Parameters(paramLabel = "ID", description = "Migration id.")
  String migrationId;

  @Override
  int run(CoordinatorClient client) {
    Migration m = client.migration(migrationId);
    if (json()) {
      JsonOutput.print(out(), m);
      return ExitCodes.OK;
    }
    return print(MigrationText.status(m));
  }
}
