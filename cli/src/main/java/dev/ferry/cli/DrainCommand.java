package dev.ferry.cli;

import dev.ferry.cli.Choices.ClockPolicyChoice;
import dev.ferry.cli.Choices.StrategyChoice;
import dev.ferry.proto.v1.DrainRequest;
import dev.ferry.proto.v1.DrainResult;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migrate drain NODE [--timeout 10m]}: cordon, evacuate and wait with a bound; reports what moved
 * and what could not and why. Here {@code --timeout} bounds the drain; each request's deadline is that plus
 * the usual request timeout.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = {"Cordon NODE, move its containers off and wait (bounded by --timeout).",
      "Reports what moved and what could not and why; exit 0 only if the node is empty. The node stays cordoned."})
final class DrainCommand extends SubcommandBase {
  @Parameters(paramLabel = "NODE", description = "Node to drain.")
  String node;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10m",
      description = "How long the drain may take (default: ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(names = "--strategy", paramLabel = "auto|precopy|postcopy|stopcopy", defaultValue = "auto",
      description = "Strategy for every migration (default: auto).")
  StrategyChoice strategy;

  @Option(names = "--clock-policy", paramLabel = "suspend|freeze|wall", defaultValue = "suspend",
      description = "Clock policy for every migration (default: suspend).")
  ClockPolicyChoice clockPolicy;

  @Override
  Duration requestTimeout() {
    return root.requestTimeout();
  }

  @Override
  int run(CoordinatorClient client) {
    var request = DrainRequest.newBuilder()
        .setNode(node)
        .setTimeout(Render.toProto(drainTimeout))
        .setStrategy(strategy.proto)
        .setClockPolicy(clockPolicy.proto)
        .build();
    if (!json()) {
      print("draining " + node + " (cordoned; waiting up to " + Render.duration(drainTimeout) + ")");
    }
    DrainResult result = client.drain(request, drainTimeout);
    if (json()) {
      JsonOutput.print(out(), result);
    } else {
      var text = new StringBuilder();
      text.append(result.getNode()).append(result.getComplete() ? " drained" : " NOT fully drained")
          .append(" in ").append(Render.duration(result.getElapsed())).append(": ")
          .append(result.getMovedCount()).append(" moved, ").append(result.getNotMovedCount()).append(" not moved\n");
      if (result.getMovedCount() > 0) {
        text.append("moved:\n").append(EvacuationText.table(result.getMovedList()));
      }
      if (result.getNotMovedCount() > 0) {
        text.append("not moved:\n").append(EvacuationText.table(result.getNotMovedList()));
      }
      print(text.toString());
    }
    return result.getComplete() && result.getNotMovedCount() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
