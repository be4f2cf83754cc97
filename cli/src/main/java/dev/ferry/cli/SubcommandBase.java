package dev.ferry.cli;

import dev.ferry.cli.Choices.OutputFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** What every subcommand shares: global options (falling back to those given before the subcommand) and a client. */
abstract class SubcommandBase implements Callable<Integer> {
  @ParentCommand MigrateCommand root;
  @Mixin GlobalOptions global;

  /** Runs the command against the coordinator; returns the exit code. */
  abstract int run(CoordinatorClient client) throws Exception;

  /** The deadline of each unary request. */
  abstract Duration requestTimeout();

  @Override
  public final Integer call() throws Exception {
    try (var client = root.connect(global.coordinatorOr(root.coordinator()), requestTimeout())) {
      return run(client);
    }
  }

  final OutputFormat output() {
    return global.outputOr(root.output());
  }

  final boolean json() {
    return output() == OutputFormat.JSON;
  }

  final CliRuntime runtime() {
    return root.runtime();
  }

  final PrintWriter out() {
    return root.runtime().out();
  }

  final int print(String text) {
    out().print(text.endsWith("\n") ? text : text + "\n");
    out().flush();
    return ExitCodes.OK;
  }
}
