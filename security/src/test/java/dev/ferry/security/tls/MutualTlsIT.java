package dev.ferry.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.DumpRequest;
import dev.ferry.proto.v1.DumpResult;
import dev.ferry.proto.v1.ListNodesRequest;
import dev.ferry.proto.v1.ListNodesResponse;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.RegisterNodeRequest;
import dev.ferry.proto.v1.RegisterNodeResponse;
import dev.ferry.proto.v1.WatchMigrationRequest;
import dev.ferry.security.Identity;
import dev.ferry.security.Transport;
import dev.ferry.security.audit.AuditRecord;
import dev.ferry.security.authz.Callers;
import dev.ferry.security.certs.CertificateAuthority;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS 1.3 over loopback sockets, real certificates from a real CA: each test is one row of
 * the authorization table or one hostile client, seen from the client as a status code.
 */
class MutualTlsIT {
  @TempDir Path dir;
  private TestPki pki;
  private Server server;
  private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private TlsFiles serverFiles;

  @BeforeEach
  void start() throws Exception {
    pki = new TestPki(dir);
    serverFiles = pki.issue(Identity.coordinator(), "server");
    Transport transport = Transport.tls(serverFiles);
    server = transport.secure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), audit::add, "test-server")
        .addService(new FakeCoordinator()).addService(new FakeAgent()).build().start();
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow();
  }

  private ManagedChannel as(TlsFiles files) {
    ManagedChannel c = Transport.tls(files).channel("127.0.0.1:" + server.getPort()).build();
    channels.add(c);
    return c;
  }

  private CoordinatorGrpc.CoordinatorBlockingStub coordinator(TlsFiles files) {
    return CoordinatorGrpc.newBlockingStub(as(files)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void anOperatorMigratesAndTheCallIsAuditedWithItsIdentity() {
    Migration m = coordinator(pki.issue(Identity.operator("alice"), "alice"))
        .migrate(MigrateRequest.newBuilder().setContainerId("ct42").setTargetNode("nodeB").build());
    assertThat(m.getMigrationId()).isEqualTo("by operator/alice");
    assertThat(audit).singleElement().satisfies(r -> {
      assertThat(r.identity()).isEqualTo("operator/alice");
      assertThat(r.rpc()).isEqualTo("ferry.v1.Coordinator/Migrate");
      assertThat(r.containerId()).isEqualTo("ct42");
      assertThat(r.nodes()).containsExactly("nodeB");
      assertThat(r.outcome()).isEqualTo("OK");
    });
  }

  @Test
  void aViewerReadsButMayNotMigrate() {
    var viewer = coordinator(pki.issue(Identity.viewer("bob"), "bob"));
    assertThat(viewer.listNodes(ListNodesRequest.getDefaultInstance())).isNotNull();
    assertThatThrownBy(() -> viewer.migrate(MigrateRequest.newBuilder().setContainerId("ct42").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("viewer/bob may not call ferry.v1.Coordinator/Migrate");
        });
    assertThat(audit).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("PERMISSION_DENIED"));
  }

  @Test
  void aNodeMayNotCommandAnotherAgentButTheCoordinatorMay() {
    var node = NodeAgentGrpc.newBlockingStub(as(pki.issue(Identity.node("nodeA"), "nodeA")));
    assertThatThrownBy(() -> node.dump(DumpRequest.newBuilder().setContainerId("ct42").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    var undated = NodeAgentGrpc.newBlockingStub(as(pki.issue(Identity.coordinator(), "coord")));
    assertThatThrownBy(() -> undated.dump(DumpRequest.newBuilder().setContainerId("ct42").build()))
        .as("an agent command without a deadline").isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("ferry.v1.NodeAgent/Dump needs a deadline");
        });
    var coordinator = undated.withDeadlineAfter(20, TimeUnit.SECONDS);
    assertThat(coordinator.dump(DumpRequest.newBuilder().setContainerId("ct42").build())).isNotNull();
  }

  @Test
  void aNodeRegistersAsItselfButNotAsAnotherNode() {
    var nodeA = coordinator(pki.issue(Identity.node("nodeA"), "nodeA"));
    assertThat(nodeA.registerNode(RegisterNodeRequest.newBuilder().setNode("nodeA").build()).getLeaseId()).isEqualTo(1);
    assertThatThrownBy(() -> nodeA.registerNode(RegisterNodeRequest.newBuilder().setNode("nodeB").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("node/nodeA may only act as itself", "nodeB");
        });
    assertThat(audit).extracting(AuditRecord::outcome).containsExactly("OK", "PERMISSION_DENIED");
  }

  @Test
  void aRegistrationWithoutADeadlineIsInvalid() {
    var channel = as(pki.issue(Identity.node("nodeA"), "nodeA"));
    assertThatThrownBy(() -> CoordinatorGrpc.newBlockingStub(channel).registerNode(RegisterNodeRequest.newBuilder().setNode("nodeA").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("ferry.v1.Coordinator/RegisterNode needs a deadline: set one on the call (e.g. withDeadlineAfter)");
        });
    assertThat(CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .registerNode(RegisterNodeRequest.newBuilder().setNode("nodeA").build()).getLeaseId()).isEqualTo(1);
  }

  @Test
  void anUnknownStrategyNumberIsInvalidNotTheDefault() {
    var operator = coordinator(pki.issue(Identity.operator("alice"), "alice"));
    assertThatThrownBy(() -> operator.migrate(MigrateRequest.newBuilder().setContainerId("ct42").setStrategyValue(42).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("MigrateRequest.strategy has the unknown value 42");
        });
    assertThat(audit).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("INVALID_ARGUMENT"));
  }

  @Test
  void aHalfMegabyteContainerNameIsInvalidAndNeverReachesTheHandler() {
    // Within the coordinator's message limit (1 MiB): the field check names the field.
    var operator = coordinator(pki.issue(Identity.operator("alice"), "alice"));
    assertThatThrownBy(() -> operator.migrate(MigrateRequest.newBuilder().setContainerId("c".repeat(512 << 10)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("MigrateRequest.container_id is 524288 characters long; at most 253");
        });
    assertThat(audit).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("INVALID_ARGUMENT"));
  }

  @Test
  void aTenMegabyteContainerNameIsOverTheMessageSizeLimit() {
    var operator = coordinator(pki.issue(Identity.operator("alice"), "alice"));
    assertThatThrownBy(() -> operator.migrate(MigrateRequest.newBuilder().setContainerId("c".repeat(10 << 20)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).endsWith("-byte message to ferry.v1.Coordinator, which accepts at most "
              + dev.ferry.security.authz.RequestLimits.MAX_CONTROL_MESSAGE_BYTES + " bytes per message");
        });
    assertThat(audit).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("RESOURCE_EXHAUSTED"));
  }

  @Test
  void noClientCertificateIsUnauthenticated() throws Exception {
    var sslContext = GrpcSslContexts.configure(SslContextBuilder.forClient())
        .trustManager(CertificateAuthority.load(dir).certificate()).protocols("TLSv1.3").build();
    ManagedChannel anonymous = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).sslContext(sslContext).build();
    channels.add(anonymous);
    assertThatThrownBy(() -> CoordinatorGrpc.newBlockingStub(anonymous).listNodes(ListNodesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("no client certificate");
        });
    assertThat(audit).singleElement().satisfies(r -> assertThat(r.identity()).startsWith("unauthenticated /127.0.0.1"));
  }

  @Test
  void anExpiredCertificateIsUnauthenticated() {
    Instant now = Instant.now();
    TlsFiles expired = pki.issue(pki.ca, Identity.operator("alice"), "expired", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
    assertThatThrownBy(() -> coordinator(expired).listNodes(ListNodesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("expired");
        });
  }

  @Test
  void aCertificateFromAnotherCaIsUnauthenticated() {
    Instant now = Instant.now();
    var stranger = CertificateAuthority.generate("stranger", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    TlsFiles foreign = pki.issue(stranger, Identity.operator("mallory"), "mallory", now.minusSeconds(60), now.plus(Duration.ofHours(1)));
    // The stranger's client must still trust our server to get as far as a call: give it our CA.
    assertThatThrownBy(() -> coordinator(foreign).migrate(MigrateRequest.newBuilder().setContainerId("ct42").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("not signed by this cluster's CA");
        });
    assertThat(audit).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("UNAUTHENTICATED"));
  }

  @Test
  void theClientRefusesAServerFromAnotherCa() {
    Instant now = Instant.now();
    var stranger = CertificateAuthority.generate("stranger", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    TlsFiles ours = pki.issue(Identity.operator("alice"), "alice");
    // Replace the server's certificate with one from another CA: our client must not talk to it.
    pki.issue(stranger, Identity.coordinator(), "server", now.minusSeconds(60), now.plus(Duration.ofHours(1)));
    awaitReload();
    assertThatThrownBy(() -> coordinator(ours).listNodes(ListNodesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aRotatedServerCertificateIsUsedForNewConnectionsWhileARunningCallContinues() throws Exception {
    TlsFiles alice = pki.issue(Identity.operator("alice"), "alice");
    var watching = CoordinatorGrpc.newBlockingStub(as(alice)).withDeadlineAfter(30, TimeUnit.SECONDS);
    Iterator<MigrationEvent> events = watching.watchMigration(WatchMigrationRequest.newBuilder().setMigrationId("m1").build());
    assertThat(events.next().getMessage()).isEqualTo("event 0");
    var serialBefore = new ServerCertificateProbe().serialOf(as(alice));

    pki.issue(Identity.coordinator(), "server"); // a new key and certificate in the same files
    awaitReload();

    var serialAfter = new ServerCertificateProbe().serialOf(as(alice));
    assertThat(serialAfter).isNotEqualTo(serialBefore);
    // The stream opened before the rotation still flows.
    assertThat(events.next().getMessage()).isEqualTo("event 1");
    assertThat(events.next().getMessage()).isEqualTo("event 2");
  }

  private static void awaitReload() {
    // The key manager looks at the files at most once a second; mtime granularity can be coarse.
    try {
      Thread.sleep(2100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class FakeCoordinator extends CoordinatorGrpc.CoordinatorImplBase {
    @Override
    public void migrate(MigrateRequest request, StreamObserver<Migration> response) {
      response.onNext(Migration.newBuilder().setMigrationId("by " + Callers.current().orElseThrow()).build());
      response.onCompleted();
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
      response.onNext(ListNodesResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void registerNode(RegisterNodeRequest request, StreamObserver<RegisterNodeResponse> response) {
      response.onNext(RegisterNodeResponse.newBuilder().setLeaseId(1).build());
      response.onCompleted();
    }

    @Override
    public void watchMigration(WatchMigrationRequest request, StreamObserver<MigrationEvent> response) {
      Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 3; i++) {
          response.onNext(MigrationEvent.newBuilder().setMessage("event " + i).build());
          try {
            Thread.sleep(i == 0 ? 3000 : 10);
          } catch (InterruptedException e) {
            return;
          }
        }
        response.onCompleted();
      });
    }
  }

  private static final class FakeAgent extends NodeAgentGrpc.NodeAgentImplBase {
    @Override
    public void dump(DumpRequest request, StreamObserver<DumpResult> response) {
      response.onNext(DumpResult.getDefaultInstance());
      response.onCompleted();
    }
  }
}
