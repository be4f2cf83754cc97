package dev.ferry.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.testkit.Timing;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.RegisterNodeRequest;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The coordinator as assembled by its main: embedded etcd, real TCP, leadership, health. */
class CoordinatorMainIT {

  @Test
  void withNoEtcdConfiguredItStartsItsOwnAndStopsItOnClose() throws Exception {
    Path dir = Files.createTempDirectory("ferry-coord-");
    CoordinatorMain main = new CoordinatorMain();
    new CommandLine(main).parseArgs("--listen", "127.0.0.1:0", "--data-dir", dir.toString(),
        "--max-in-flight", "3");
    long etcdPid;
    try (CoordinatorMain.Running running = main.start()) {
      etcdPid = running.embedded().pid();
      assertThat(Files.isDirectory(dir.resolve("etcd"))).isTrue();
      var channel = ManagedChannelBuilder.forAddress("127.0.0.1", running.port()).usePlaintext().build();
      try {
        var health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        var api = CoordinatorGrpc.newBlockingStub(channel);
        api.registerNode(RegisterNodeRequest.newBuilder().setNode("node-a").setAddress("127.0.0.1:1").build());
        assertThat(api.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList()).singleElement()
            .satisfies(n -> assertThat(n.getName()).isEqualTo("node-a"));
        await().atMost(Timing.seconds(15)).until(() -> running.runtime().leadership().isLeader());
        assertThat(running.runtime().leadership().leader()).isEqualTo("127.0.0.1:" + running.port());
      } finally {
        channel.shutdownNow();
      }
    }
    assertThat(ProcessHandle.of(etcdPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
