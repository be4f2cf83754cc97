package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.NetworkTopology;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.GetCapabilitiesRequest;
import dev.ferry.testkit.TestRootfs;
import dev.ferry.testkit.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents as separate processes, each in its own network namespace ("host"), reached over the bridge. */
class AgentsInNamespacesIT {
  @TempDir
  Path dir;

  @Test
  void agentsServeFromTheirOwnHosts() {
    var runner = new SystemProcessRunner();
    try (NetworkTopology net = new NetworkTopology(runner, System.getProperty("ferry.e2e.prefix", "fe"), Integer.getInteger("ferry.e2e.subnet", 7)).create(List.of("nodeA", "nodeB"));
         AgentNode a = new AgentNode(runner, net, "nodeA", dir.resolve("nodeA"), null).start();
         AgentNode b = new AgentNode(runner, net, "nodeB", dir.resolve("nodeB"), null).start()) {
      for (AgentNode agent : List.of(a, b)) {
        await().atMost(Timing.seconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .until(() -> agent.stub().getCapabilities(GetCapabilitiesRequest.getDefaultInstance()).getNode().equals(agent.node()));
      }
      Path rootfs = TestRootfs.build(dir.resolve("rootfs"));
      var info = a.stub().createContainer(CreateContainerRequest.newBuilder().setContainerId("ct42")
          .setRootfsPath(rootfs.toString()).addAllArgs(TestRootfs.workloadArgs(8, 1, 5)).setStart(true).build());
      assertThat(info.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
      assertThat(info.getNode()).isEqualTo("nodeA");
      // Nothing of ct42 exists on nodeB.
      assertThat(b.stub().listContainers(dev.ferry.proto.v1.ListContainersRequest.getDefaultInstance()).getContainersCount()).isZero();
      assertThat(b.stateDir().resolve("containers/ct42")).doesNotExist();
    } finally {
      runner.run(dev.ferry.process.ProcessSpec.of("sh", "-c",
          "for r in " + dir + "/node*/crun; do for c in $(crun --root $r list -q 2>/dev/null); do crun --root $r delete -f $c; done; done"));
    }
  }
}
