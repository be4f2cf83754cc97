package dev.ferry.cli;

import java.time.Duration;
import picocli.CommandLine.Mixin;

/** A subcommand whose {@code --timeout} is the per-request deadline (every one but drain). */
abstract class CoordinatorSubcommand extends SubcommandBase {
  @Mixin RequestTimeout timeout;

  @Override
  final Duration requestTimeout() {
    return timeout.or(root.requestTimeout());
  }
}
