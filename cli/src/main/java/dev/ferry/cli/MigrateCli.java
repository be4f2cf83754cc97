package dev.ferry.cli;

import picocli.CommandLine;

/** Assembles the picocli command tree around a runtime; the one entry point for main and tests. */
final class MigrateCli {
  private MigrateCli() {}

  static CommandLine commandLine(CliRuntime runtime) {
    return new CommandLine(new MigrateCommand(runtime))
        .setOut(runtime.out())
        .setErr(runtime.err())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new CliErrors());
  }

  static int run(CliRuntime runtime, String... args) {
    return commandLine(runtime).execute(args);
  }
}
