package dev.ferry.cli;

import dev.ferry.cli.Choices.ClockPolicyChoice;
import dev.ferry.cli.Choices.StrategyChoice;
import dev.ferry.proto.v1.EvacuateRequest;
import dev.ferry.proto.v1.Evacuation;
import dev.ferry.proto.v1.EvacuationItem;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migrate evacuate NODE}: moves every container off NODE and prints a line whenever one of them
 * changes phase or target. Exit 0 only if every container moved.
 */
@Command(name = "evacuate", mixinStandardHelpOptions = true,
    description = {"Move every container off NODE; placement picks each target by free memory/CPU.",
      "Prints per-container progress, then what moved and what did not and why."})
final class EvacuateCommand extends CoordinatorSubcommand {
  @Parameters(paramLabel = "NODE", description = "Node to empty.")
  String node;

  @Option(names = "--strategy", paramLabel = "auto|precopy|postcopy|stopcopy", defaultValue = "auto",
      description = "Strategy for every migration (default: auto).")
  StrategyChoice strategy;

  @Option(names = "--clock-policy", paramLabel = "suspend|freeze|wall", defaultValue = "suspend",
      description = "Clock policy for every migration (default: suspend).")
  ClockPolicyChoice clockPolicy;

  @Option(names = "--downtime-budget", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Longest acceptable blackout per container.")
  Duration downtimeBudget;

  @Option(names = "--poll-interval", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "500ms", description = "How often to ask for progress (default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--detach", description = "Print the evacuation id and return at once.")
  boolean detach;

  @Override
  int run(CoordinatorClient client) throws InterruptedException {
    var request = EvacuateRequest.newBuilder().setNode(node).setStrategy(strategy.proto).setClockPolicy(clockPolicy.proto);
    if (downtimeBudget != null) {
      request.setDowntimeBudget(Render.toProto(downtimeBudget));
    }
    Evacuation evacuation = client.evacuate(request.build());
    if (detach) {
      return json() ? printJson(evacuation) : print(evacuation.getEvacuationId());
    }
    if (!json()) {
      print("evacuating " + node + " (evacuation " + evacuation.getEvacuationId() + ", "
          + evacuation.getItemsCount() + " containers)");
    }
    Map<String, String> shown = new HashMap<>();
    while (true) {
      if (!json()) {
        for (EvacuationItem item : evacuation.getItemsList()) {
          String line = EvacuationText.item(item);
          if (!line.equals(shown.put(item.getContainerId(), line))) {
            print("  " + line);
          }
        }
      }
      if (evacuation.getFinished()) {
        break;
      }
      runtime().sleeper().sleep(pollInterval);
      evacuation = client.evacuation(evacuation.getEvacuationId());
    }
    long moved = evacuation.getItemsList().stream().filter(EvacuationText::moved).count();
    if (json()) {
      printJson(evacuation);
    } else {
      print(node + ": " + moved + " moved, " + (evacuation.getItemsCount() - moved) + " not moved\n"
          + EvacuationText.table(evacuation.getItemsList()));
    }
    return moved == evacuation.getItemsCount() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private int printJson(Evacuation e) {
    JsonOutput.print(out(), e);
    return ExitCodes.OK;
  }
}
