package dev.ferry.cli;

import dev.ferry.cli.Choices.ClockPolicyChoice;
import dev.ferry.cli.Choices.NonConvergenceChoice;
import dev.ferry.cli.Choices.OutputFormat;
import dev.ferry.cli.Choices.StrategyChoice;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.security.Transport;
import dev.ferry.security.TransportOptions;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code migrate [--from A] [--to B] CONTAINER}: one live migration, followed to its end. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    version = "ferry migrate 0.1.0",
    sortOptions = false,
    description = {
      "Live-migrate CONTAINER to another node and follow it to the end, or manage migrations with a subcommand.",
      "Without --to, placement picks the target."
    },
    subcommands = {
      StatusCommand.class,
      WatchCommand.class,
      CancelCommand.class,
      EvacuateCommand.class,
      DrainCommand.class,
      UncordonCommand.class,
      NodesCommand.class,
      ContainersCommand.class,
      AuditCommand.class,
      CertsCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (the migration reached done, the drain completed, the query answered)",
      "1:refused by the coordinator, or the migration ended rolled-back or failed (reason code printed)",
      "2:bad command line, rejected before any call",
      "3:coordinator unreachable"
    },
    footer = {"%nExamples:", "  migrate --from node-a --to node-b ct42", "  migrate --strategy precopy --downtime-budget 300ms ct42",
      "  migrate drain node-a --timeout 10m", "  migrate nodes --output json"})
final class MigrateCommand implements Callable<Integer> {
  private final CliRuntime runtime;

  @Spec CommandSpec spec;
  @Mixin GlobalOptions global;
  @Mixin RequestTimeout requestTimeout;
  @Mixin TransportOptions transport;

  @Option(names = "--from", paramLabel = "NODE", description = "Node the container is expected on (refused if elsewhere).")
  String from;

  @Option(names = "--to", paramLabel = "NODE", description = "Target node (default: placement chooses).")
  String to;

  @Option(names = "--strategy", paramLabel = "auto|precopy|postcopy|stopcopy", defaultValue = "auto",
      description = "How memory moves (default: auto, chosen from both nodes' capabilities).")
  StrategyChoice strategy;

  @Option(names = "--clock-policy", paramLabel = "suspend|freeze|wall", defaultValue = "suspend",
      description = "What the container's monotonic/boottime clocks do across the blackout (default: suspend).")
  ClockPolicyChoice clockPolicy;

  @Option(names = "--downtime-budget", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Longest acceptable blackout, e.g. 300ms (default: the coordinator's).")
  Duration downtimeBudget;

  @Option(names = "--max-precopy-rounds", paramLabel = "N", description = "Upper bound on pre-copy rounds.")
  Integer maxPrecopyRounds;

  @Option(names = "--on-non-convergence", paramLabel = "freeze|throttle|postcopy", defaultValue = "freeze",
      description = "When pre-copy rounds stop converging: freeze anyway (over the budget), throttle the container's "
          + "CPU and go on (auto-converge), or finish with post-copy. Default: ${DEFAULT-VALUE}.")
  NonConvergenceChoice onNonConvergence;

  @Option(names = "--priority", paramLabel = "N", defaultValue = "0", description = "Queue priority; higher runs first.")
  int priority;

  @Option(names = "--drop-tcp", description = "Drop established TCP connections instead of carrying them.")
  boolean dropTcp;

  @Option(names = "--detach", description = "Print the migration id and return at once.")
  boolean detach;

  @Parameters(arity = "0..1", paramLabel = "CONTAINER", description = "The container to move.")
  String container;

  MigrateCommand(CliRuntime runtime) {
    this.runtime = runtime;
  }

  CliRuntime runtime() {
    return runtime;
  }

  String coordinator() {
    return global.coordinatorOr(runtime.defaultCoordinator());
  }

  OutputFormat output() {
    return global.outputOr(OutputFormat.TEXT);
  }

  Duration requestTimeout() {
    return requestTimeout.or(RequestTimeout.DEFAULT);
  }

  CoordinatorClient connect(String target, Duration timeout) {
    return new CoordinatorClient(runtime.channels().open(target, this::transport), target, timeout);
  }

  private Transport transport() {
    try {
      return transport.transport();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    if (container == null || container.isBlank()) {
      throw new ParameterException(spec.commandLine(), "Missing CONTAINER: name the container to migrate, or use a subcommand");
    }
    if (from != null && from.equals(to)) {
      throw new ParameterException(spec.commandLine(), "--from and --to both name " + from + "; a migration needs two nodes");
    }
    try (var client = connect(coordinator(), requestTimeout())) {
      Migration started = client.migrate(request());
      if (detach) {
        if (output() == OutputFormat.JSON) {
          JsonOutput.print(runtime.out(), started);
        } else {
          runtime.out().println(started.getMigrationId());
          runtime.out().flush();
        }
        return ExitCodes.OK;
      }
      return new MigrationReporter(runtime, output(), false).follow(client, started);
    }
  }

  MigrateRequest request() {
    var request = MigrateRequest.newBuilder()
        .setContainerId(container)
        .setStrategy(strategy.proto)
        .setOnNonConvergence(onNonConvergence.proto)
        .setClockPolicy(clockPolicy.proto)
        .setPriority(priority)
        .setDropTcpConnections(dropTcp)
        // A retried request with the same key returns the same migration instead of a second one.
        .setRequestId(UUID.randomUUID().toString());
    if (from != null) {
      request.setSourceNode(from);
    }
    if (to != null) {
      request.setTargetNode(to);
    }
    if (downtimeBudget != null) {
      request.setDowntimeBudget(Render.toProto(downtimeBudget));
    }
    if (maxPrecopyRounds != null) {
      request.setMaxPrecopyRounds(maxPrecopyRounds);
    }
    return request.build();
  }
}
