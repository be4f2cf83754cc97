package dev.ferry.cli;

import dev.ferry.proto.v1.Capabilities;
import dev.ferry.proto.v1.ListNodesResponse;
import dev.ferry.proto.v1.Node;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code migrate nodes}: the node registry as a table. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
    description = "List nodes: status, cordon, containers, migrations in/out, free memory, features.")
final class NodesCommand extends CoordinatorSubcommand {

  @Override
  int run(CoordinatorClient client) {
    List<Node> nodes = client.nodes();
    if (json()) {
      JsonOutput.print(out(), ListNodesResponse.newBuilder().addAllNodes(nodes).build());
      return ExitCodes.OK;
    }
    List<List<String>> rows = nodes.stream()
        .map(n -> List.of(
            n.getName(),
            status(n),
            n.getCordoned() ? "yes" : "no",
            String.valueOf(n.getContainers()),
            n.getMigrationsIn() + "/" + n.getMigrationsOut(),
            n.hasCapabilities() ? Render.bytes(n.getCapabilities().getMemoryAvailableBytes()) : "-",
            features(n.getCapabilities())))
        .toList();
    return print(Render.table(
        List.of("name", "status", "cordoned", "containers", "in/out", "free memory", "features"), rows));
  }

  static String status(Node n) {
    return Render.enumName(n.getStatus().name(), "NODE_STATUS_");
  }

  /** The features that decide strategies, by short name; a missing one is not listed. */
  static String features(Capabilities c) {
    List<String> names = new ArrayList<>();
    if (c.getCheckpointRestore().getAvailable()) {
      names.add("checkpoint");
    }
    if (c.getDirtyTracking().getAvailable()) {
      names.add("dirty-tracking");
    }
    if (c.getLazyPages().getAvailable()) {
      names.add("lazy-pages");
    }
    if (c.getTimeNamespaces().getAvailable()) {
      names.add("timens");
    }
    if (c.getNetworkLock().getAvailable()) {
      names.add("netlock");
    }
    return names.isEmpty() ? "-" : String.join(",", names);
  }
}
