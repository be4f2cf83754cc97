package dev.ferry.cli;

import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ListClusterContainersResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code migrate containers [--node N]}: the container inventory as a table. */
@Command(name = "containers", mixinStandardHelpOptions = true,
    description = "List containers the agents reported: node, state, pid, memory, address.")
final class ContainersCommand extends CoordinatorSubcommand {
  @Option(names = "--node", paramLabel = "NODE", description = "Only this node's containers.")
  String node;

  @Override
  int run(CoordinatorClient client) {
    List<ContainerInfo> containers = client.containers(node == null ? "" : node);
    if (json()) {
      JsonOutput.print(out(), ListClusterContainersResponse.newBuilder().addAllContainers(containers).build());
      return ExitCodes.OK;
    }
    List<List<String>> rows = containers.stream()
        .map(c -> List.of(
            c.getContainerId(),
            Render.orDash(c.getNode()),
            Render.enumName(c.getState().name(), "CONTAINER_STATE_"),
            c.getPid() > 0 ? String.valueOf(c.getPid()) : "-",
            c.getRssBytes() > 0 ? Render.bytes(c.getRssBytes()) : "-",
            Render.orDash(c.getAddress()),
            Render.timestamp(c.getCreatedAt())))
        .toList();
    return print(Render.table(List.of("container", "node", "state", "pid", "memory", "address", "created"), rows));
  }
}
