package dev.ferry.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.testkit.Timing;
import dev.ferry.proto.v1.AuditGrpc;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.ListAuditRequest;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.RegisterNodeRequest;
import dev.ferry.proto.v1.UncordonRequest;
import dev.ferry.security.Identity;
import dev.ferry.security.Transport;
import dev.ferry.security.TransportOptions;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.tls.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The coordinator as assembled by its main: embedded etcd, real TCP with mutual TLS, leadership, health, audit. */
class CoordinatorMainIT {

  @Test
  void withNoEtcdConfiguredItStartsItsOwnServesMutualTlsAuditsAndStopsOnClose() throws Exception {
    Path dir = Files.createTempDirectory("ferry-coord-");
    Path pki = dir.resolve("pki");
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create(pki, "test", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    TlsFiles coordinator = issue(ca, pki, Identity.coordinator());
    TlsFiles node = issue(ca, pki, Identity.node("node-a"));
    TlsFiles viewer = issue(ca, pki, Identity.viewer("bob"));
    TlsFiles operator = issue(ca, pki, Identity.operator("alice"));

    CoordinatorMain main = new CoordinatorMain();
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--data-dir", dir.toString(), "--max-in-flight", "3"));
    args.addAll(TransportOptions.args(coordinator));
    new CommandLine(main).parseArgs(args.toArray(String[]::new));
    long etcdPid;
    List<ManagedChannel> channels = new ArrayList<>();
    try (CoordinatorMain.Running running = main.start()) {
      etcdPid = running.embedded().pid();
      // With TLS on, the local etcd is mutual TLS too: https, client certificates required.
      assertThat(running.embedded().endpoint()).startsWith("https://127.0.0.1:");
      assertThat(running.embedded().tls()).isPresent();
      assertThat(Files.isDirectory(dir.resolve("etcd"))).isTrue();
      String target = "127.0.0.1:" + running.port();
      ManagedChannel asNode = Transport.tls(node).channel(target).build();
      ManagedChannel asViewer = Transport.tls(viewer).channel(target).build();
      ManagedChannel asOperator = Transport.tls(operator).channel(target).build();
      channels.addAll(List.of(asNode, asViewer, asOperator));

      var health = HealthGrpc.newBlockingStub(asViewer).check(HealthCheckRequest.getDefaultInstance());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      CoordinatorGrpc.newBlockingStub(asNode).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
          .registerNode(RegisterNodeRequest.newBuilder().setNode("node-a").setAddress("127.0.0.1:1").build());
      assertThat(CoordinatorGrpc.newBlockingStub(asViewer).listNodes(ListNodesRequest.getDefaultInstance()).getNodesList())
          .singleElement().satisfies(n -> assertThat(n.getName()).isEqualTo("node-a"));
      assertThatThrownBy(() -> CoordinatorGrpc.newBlockingStub(asViewer).uncordon(UncordonRequest.newBuilder().setNode("node-a").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      await().atMost(Timing.seconds(15)).until(() -> running.runtime().leadership().isLeader());
      assertThat(running.runtime().leadership().leader()).isEqualTo(target);

      // Both the node's registration and the viewer's refused uncordon are in etcd's audit trail.
      await().atMost(Timing.seconds(10)).untilAsserted(() -> assertThat(AuditGrpc.newBlockingStub(asOperator).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
              .listAudit(ListAuditRequest.newBuilder().setLimit(10).build()).getEntriesList())
          .extracting(e -> e.getIdentity() + " " + e.getRpc() + " " + e.getOutcome())
          .contains("node/node-a ferry.v1.Coordinator/RegisterNode OK",
              "viewer/bob ferry.v1.Coordinator/Uncordon PERMISSION_DENIED"));
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
    assertThat(ProcessHandle.of(etcdPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void refusesToStartWithoutTlsFilesOrInsecure() {
    CoordinatorMain main = new CoordinatorMain();
    new CommandLine(main).parseArgs("--listen", "127.0.0.1:0");
    assertThatThrownBy(main::start).hasMessageContaining("--tls-cert, --tls-key and --tls-ca").hasMessageContaining("--insecure");
  }

  private static TlsFiles issue(CertificateAuthority ca, Path dir, Identity id) {
    Instant now = Instant.now();
    String base = id.toString().replace('/', '-');
    ca.issue(new LeafRequest(id, List.of("localhost"), List.of("127.0.0.1"), now.minusSeconds(60), now.plus(Duration.ofHours(1))))
        .writeTo(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
    return TlsFiles.inDirectory(dir, base);
  }
}
