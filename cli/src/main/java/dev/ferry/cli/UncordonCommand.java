package dev.ferry.cli;

import dev.ferry.proto.v1.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code migrate uncordon NODE}: the node accepts new migrations again. */
@Command(name = "uncordon", mixinStandardHelpOptions = true, description = "Let NODE receive migrations again.")
final class UncordonCommand extends CoordinatorSubcommand {
  @Parameters(paramLabel = "NODE", description = "Node name.")
  String node;

  @Override
  int run(CoordinatorClient client) {
    Node n = client.uncordon(node);
    if (json()) {
      JsonOutput.print(out(), n);
      return ExitCodes.OK;
    }
    return print("node " + n.getName() + " uncordoned (" + NodesCommand.status(n) + ")");
  }
}
