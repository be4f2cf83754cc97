package dev.ferry.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.CoordinatorMain;
import dev.ferry.coordinator.testkit.Timing;
import dev.ferry.proto.v1.AllocateAddressRequest;
import dev.ferry.proto.v1.AuditGrpc;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.ListAuditRequest;
import dev.ferry.proto.v1.ReleaseAddressRequest;
import dev.ferry.proto.v1.ReportContainersRequest;
import dev.ferry.security.Identity;
import dev.ferry.security.Transport;
import dev.ferry.security.TransportOptions;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.tls.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Over real mutual TLS and a real etcd: a node releases only the addresses of containers it holds. */
class ReleaseAddressBoundToCallerIT {
  private static final String NETWORK = "198.18.71.0/24";

  @Test
  void aNodeMayReleaseOnlyTheAddressesOfItsOwnContainersAndARefusalIsAudited() throws Exception {
    Path dir = Files.createTempDirectory("ferry-release-");
    Path pki = dir.resolve("pki");
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create(pki, "test", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    CoordinatorMain main = new CoordinatorMain();
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--data-dir", dir.toString()));
    args.addAll(TransportOptions.args(issue(ca, pki, Identity.coordinator())));
    new CommandLine(main).parseArgs(args.toArray(String[]::new));
    List<ManagedChannel> channels = new ArrayList<>();
    try (CoordinatorMain.Running running = main.start()) {
      String target = "127.0.0.1:" + running.port();
      ManagedChannel a = Transport.tls(issue(ca, pki, Identity.node("node-a"))).channel(target).build();
      ManagedChannel b = Transport.tls(issue(ca, pki, Identity.node("node-b"))).channel(target).build();
      ManagedChannel operator = Transport.tls(issue(ca, pki, Identity.operator("alice"))).channel(target).build();
      channels.addAll(List.of(a, b, operator));
      // Agents set deadlines on these calls, and the server requires them.
      var asA = CoordinatorGrpc.newBlockingStub(a).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS);
      var asB = CoordinatorGrpc.newBlockingStub(b).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS);

      String ct1 = asA.allocateAddress(allocate("ct1", "node-a")).getAddress();
      assertThatThrownBy(() -> asB.releaseAddress(release("ct1")))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).isEqualTo("node/node-b may not release " + ct1
                + ": it is the address of container ct1, which runs on node node-a; a node releases only its own "
                + "containers' addresses");
          });
      // Still ct1's: allocating again returns the same lease, and node-a frees it.
      assertThat(asA.allocateAddress(allocate("ct1", "node-a")).getAddress()).isEqualTo(ct1);
      assertThat(asA.releaseAddress(release("ct1")).getReleased()).isEqualTo(ct1);

      // ct2 was created on node-a and has moved to node-b (node-b reports it): now node-b holds it, not node-a.
      String ct2 = asA.allocateAddress(allocate("ct2", "node-a")).getAddress();
      asB.reportContainers(ReportContainersRequest.newBuilder().setNode("node-b").addContainers(ContainerInfo.newBuilder()
          .setContainerId("ct2").setState(ContainerState.CONTAINER_STATE_RUNNING)).build());
      assertThatThrownBy(() -> asA.releaseAddress(release("ct2")))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      assertThat(asB.releaseAddress(release("ct2")).getReleased()).isEqualTo(ct2);

      await().atMost(Timing.seconds(10)).untilAsserted(() -> assertThat(AuditGrpc.newBlockingStub(operator)
              .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS).listAudit(ListAuditRequest.newBuilder().setLimit(50).build()).getEntriesList())
          .extracting(e -> e.getIdentity() + " " + e.getRpc() + " " + e.getContainerId() + " " + e.getOutcome())
          .contains("node/node-b ferry.v1.Coordinator/ReleaseAddress ct1 PERMISSION_DENIED",
              "node/node-a ferry.v1.Coordinator/ReleaseAddress ct1 OK",
              "node/node-a ferry.v1.Coordinator/ReleaseAddress ct2 PERMISSION_DENIED",
              "node/node-b ferry.v1.Coordinator/ReleaseAddress ct2 OK"));
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  private static AllocateAddressRequest allocate(String ct, String node) {
    return AllocateAddressRequest.newBuilder().setContainerId(ct).setNetwork(NETWORK).setNode(node).build();
  }

  private static ReleaseAddressRequest release(String ct) {
    return ReleaseAddressRequest.newBuilder().setContainerId(ct).build();
  }

  private static TlsFiles issue(CertificateAuthority ca, Path dir, Identity id) {
    Instant now = Instant.now();
    String base = id.toString().replace('/', '-');
    ca.issue(new LeafRequest(id, List.of("localhost"), List.of("127.0.0.1"), now.minusSeconds(60), now.plus(Duration.ofHours(1))))
        .writeTo(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
    return TlsFiles.inDirectory(dir, base);
  }
}
