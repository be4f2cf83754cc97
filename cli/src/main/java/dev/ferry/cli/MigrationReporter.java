package dev.ferry.cli;

import dev.ferry.cli.Choices.OutputFormat;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Phase;

/**
 * Follows a migration and reports it: a header, the live progress line and the summary in text;
 * in JSON, either every event as a JSON line (watch) or only the final record (migrate).
 */
final class MigrationReporter {
  private final CliRuntime runtime;
  private final OutputFormat output;
  private final boolean jsonEvents;

  MigrationReporter(CliRuntime runtime, OutputFormat output, boolean jsonEvents) {
    this.runtime = runtime;
    this.output = output;
    this.jsonEvents = jsonEvents;
  }

  /** Returns the exit code: 0 only when the migration reached DONE. */
  int follow(CoordinatorClient client, Migration started) throws InterruptedException {
    var follower = new MigrationFollower(client, runtime.sleeper(), runtime.err());
    Migration last;
    if (output == OutputFormat.JSON) {
      last = follower.follow(started.getMigrationId(), event -> {
        if (jsonEvents) {
          JsonOutput.print(runtime.out(), event);
        }
      });
      if (!jsonEvents) {
        JsonOutput.print(runtime.out(), last);
      }
    } else {
      runtime.out().println(MigrationText.header(started));
      var line = new ProgressLine(runtime.out(), runtime.interactive());
      last = follower.follow(started.getMigrationId(), event -> line.show(event.getMigration()));
      line.finish();
      runtime.out().print(MigrationText.summary(last));
      runtime.out().flush();
    }
    return outcome(last);
  }

  private int outcome(Migration m) {
    if (m.getPhase() == Phase.PHASE_DONE) {
      return ExitCodes.OK;
    }
    String reason = m.hasError()
        ? CliErrors.describe(m.getError())
        : "error: migration " + m.getMigrationId() + " ended " + Render.phase(m.getPhase());
    runtime.err().println(reason);
    runtime.err().flush();
    return ExitCodes.FAILED;
  }
}
