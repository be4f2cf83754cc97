package dev.ferry.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.AgentSteps;
import dev.ferry.agent.NodeAgent;
import dev.ferry.agent.grpc.AgentServer;
import dev.ferry.proto.v1.DumpRequest;
import dev.ferry.proto.v1.ListContainersRequest;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.TransferAck;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferGrpc;
import dev.ferry.proto.v1.TransferKind;
import dev.ferry.proto.v1.TransferOpen;
import dev.ferry.security.Identity;
import dev.ferry.security.Transport;
import dev.ferry.security.audit.AuditRecord;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.tls.TlsFiles;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.Timing;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent server (its NodeAgent and Transfer services, real admissions) behind the gate,
 * over real TLS on loopback: who may command it, and who may push images into it.
 */
class AgentGateIT {
  @TempDir Path dir;
  private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private CertificateAuthority ca;
  private Server server;
  private Path stateDir;

  @BeforeEach
  void start() {
    Instant now = Instant.now();
    ca = CertificateAuthority.create(dir.resolve("pki"), "test", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    stateDir = dir.resolve("nodeB");
    AgentSteps steps = NodeAgent.build("nodeB", stateDir, Path.of("/bin/busybox"), AgentHarness.RUNNER, Timing.seconds(60));
    server = AgentServer.start(Transport.tls(files(Identity.node("nodeB")))
        .secure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), audit::add, "node/nodeB"), steps, List.of());
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow();
  }

  private TlsFiles files(Identity id) {
    String base = id.toString().replace('/', '-');
    Path pki = dir.resolve("pki");
    Instant now = Instant.now();
    ca.issue(new LeafRequest(id, List.of(), List.of("127.0.0.1"), now.minusSeconds(60), now.plus(Duration.ofHours(1))))
        .writeTo(pki.resolve(base + ".crt"), pki.resolve(base + ".key"));
    return TlsFiles.inDirectory(pki, base);
  }

  private ManagedChannel as(Identity id) {
    ManagedChannel c = Transport.tls(files(id)).channel("127.0.0.1:" + server.getPort()).build();
    channels.add(c);
    return c;
  }

  private static Status.Code code(Throwable t) {
    return Status.fromThrowable(t).getCode();
  }

  @Test
  void onlyTheCoordinatorCommandsTheAgent() {
    assertThat(NodeAgentGrpc.newBlockingStub(as(Identity.coordinator())).withDeadlineAfter(20, TimeUnit.SECONDS).listContainers(ListContainersRequest.getDefaultInstance())
        .getContainersCount()).isZero();
    for (Identity stranger : List.of(Identity.node("nodeA"), Identity.operator("alice"), Identity.viewer("bob"))) {
      assertThatThrownBy(() -> NodeAgentGrpc.newBlockingStub(as(stranger)).dump(DumpRequest.newBuilder().setContainerId("ct42").build()))
          .as(stranger.toString()).satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    }
    assertThat(audit).hasSize(3).allSatisfy(r -> {
      assertThat(r.rpc()).isEqualTo("ferry.v1.NodeAgent/Dump");
      assertThat(r.outcome()).isEqualTo("PERMISSION_DENIED");
      assertThat(r.recordedBy()).isEqualTo("node/nodeB");
    });
  }

  @Test
  void aPeerMayNotSendAsAnotherNode() throws Exception {
    Throwable refused = send(as(Identity.node("nodeA")), "nodeC", "m-1");
    assertThat(code(refused)).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused).hasMessageContaining("node/nodeA may only act as itself");
    assertThat(audit).singleElement().satisfies(r -> assertThat(r.nodes()).containsExactly("nodeC"));
    assertNothingWritten();
  }

  @Test
  void imagesNobodyAnnouncedAreRefusedAndAudited() throws Exception {
    Throwable refused = send(as(Identity.node("nodeA")), "nodeA", "m-unannounced");
    assertThat(code(refused)).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused).hasMessageContaining("no transfer for migration 'm-unannounced'");
    assertThat(audit).singleElement().satisfies(r -> {
      assertThat(r.identity()).isEqualTo("node/nodeA");
      assertThat(r.rpc()).isEqualTo("ferry.v1.Transfer/Send");
      assertThat(r.migrationId()).isEqualTo("m-unannounced");
      assertThat(r.outcome()).isEqualTo("PERMISSION_DENIED");
    });
    assertNothingWritten();
  }

  @Test
  void aCoordinatorCannotPushImagesEither() throws Exception {
    assertThat(code(send(as(Identity.coordinator()), "nodeA", "m-1"))).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  /** Opens a Transfer stream claiming {@code source}, returns the error it ended with. */
  private Throwable send(ManagedChannel channel, String source, String migration) throws Exception {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    StreamObserver<TransferFrame> frames = TransferGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .send(new StreamObserver<TransferAck>() {
          @Override
          public void onNext(TransferAck ack) {}

          @Override
          public void onError(Throwable t) {
            ended.complete(t);
          }

          @Override
          public void onCompleted() {
            ended.complete(null);
          }
        });
    frames.onNext(TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setMigrationId(migration).setToken("guess")
        .setSourceNode(source).setDestination("images-1").setKind(TransferKind.TRANSFER_KIND_IMAGES).setTransferId("t1")).build());
    Throwable t = ended.get(20, TimeUnit.SECONDS);
    frames.onCompleted();
    assertThat(t).as("the stream was refused").isNotNull();
    return t;
  }

  private void assertNothingWritten() throws Exception {
    Path containers = stateDir.resolve("containers");
    if (Files.exists(containers)) {
      try (Stream<Path> files = Files.walk(containers)) {
        assertThat(files.filter(Files::isRegularFile)).isEmpty();
      }
    }
  }
}
