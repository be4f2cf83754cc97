package dev.ferry.cli;

import picocli.CommandLine;

/** Assembles the picocli command tree around a runtime; the one entry point for main and tests. */
final class MigrateCli {
  private MigrateCli() {}

  static CommandLine commandLine(CliRuntime runtime) {
    var commandLine = new CommandLine(new MigrateCommand(runtime))
        .setOut(runtime.out())
        .setErr(runtime.err())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new CliErrors());
    // Every subcommand's help documents the same exit codes as migrate's own.
    var root = commandLine.getCommandSpec().usageMessage();
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      if (sub.getCommandSpec().userObject() instanceof SubcommandBase) {
        sub.getCommandSpec().usageMessage()
            .exitCodeListHeading(root.exitCodeListHeading())
            .exitCodeList(root.exitCodeList());
      }
    }
    return commandLine;
  }

  static int run(CliRuntime runtime, String... args) {
    return commandLine(runtime).execute(args);
  }
}
