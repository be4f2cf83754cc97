package dev.ferry.cli;

import dev.ferry.cli.Choices.OutputFormat;
import picocli.CommandLine.Option;

/**
 * Options every command accepts, before or after the subcommand name. Unset values are null so a
 * subcommand can fall back to what was given to {@code migrate} itself.
 */
final class GlobalOptions {
  @Option(
      names = "--coordinator",
      paramLabel = "HOST:PORT",
      description = "Coordinator to talk to (default: $" + CliRuntime.COORDINATOR_ENV + ", else "
          + CliRuntime.DEFAULT_COORDINATOR + ").")
  String coordinator;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "text|json",
      description = "text (default) or json: the ferry.v1 message as proto3 JSON, one document per line.")
  OutputFormat output;

  String coordinatorOr(String fallback) {
    return coordinator != null ? coordinator : fallback;
  }

  OutputFormat outputOr(OutputFormat fallback) {
    return output != null ? output : fallback;
  }
}
