package dev.ferry.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --timeout}: the deadline of each request to the coordinator (not of a whole migration). */
final class RequestTimeout {
  static final Duration DEFAULT = Duration.ofSeconds(30);

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Deadline of each request to the coordinator (default: 30s). Waiting for a migration "
          + "to finish is not bounded by it.")
  Duration timeout;

  Duration or(Duration fallback) {
    return timeout != null ? timeout : fallback;
  }
}
