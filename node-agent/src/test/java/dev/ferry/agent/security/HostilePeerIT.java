package dev.ferry.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ferry.agent.AgentSteps;
import dev.ferry.agent.NodeAgent;
import dev.ferry.agent.grpc.AgentServer;
import dev.ferry.proto.v1.AbortRestoreRequest;
import dev.ferry.proto.v1.Chunk;
import dev.ferry.proto.v1.Compression;
import dev.ferry.proto.v1.DumpRequest;
import dev.ferry.proto.v1.EntryType;
import dev.ferry.proto.v1.Epoch;
import dev.ferry.proto.v1.FileEnd;
import dev.ferry.proto.v1.FileHeader;
import dev.ferry.proto.v1.MigrationContext;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.PrepareRestoreRequest;
import dev.ferry.proto.v1.RestoreRequest;
import dev.ferry.proto.v1.TransferAck;
import dev.ferry.proto.v1.TransferClose;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferGrpc;
import dev.ferry.proto.v1.TransferKind;
import dev.ferry.proto.v1.TransferOpen;
import dev.ferry.security.Identity;
import dev.ferry.security.Transport;
import dev.ferry.security.authz.RequestLimits;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that holds a valid certificate and even a valid admission, and lies in what it sends:
 * the real agent server (NodeAgent and Transfer services, real admissions, real disk) over real
 * TLS on loopback. Each case asserts the status code and that nothing is left on disk: no
 * staging directory, no image directory, nothing outside the container's directory. The cases
 * without a valid client (no certificate, expired, another CA, a viewer calling Migrate) are in
 * the security module's MutualTlsIT; images nobody announced are in AgentGateIT.
 */
class HostilePeerIT {
  private static final String MIGRATION = "m-hostile";
  private static final String CONTAINER = "ct-hostile";
  private static final byte[] CONTENT = "pages of a container\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private CertificateAuthority ca;
  private Server server;
  private Path stateDir;
  private String token;
  private int transfers;

  @BeforeEach
  void start() {
    Instant now = Instant.now();
    ca = CertificateAuthority.create(dir.resolve("pki"), "test", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    stateDir = dir.resolve("nodeB");
    AgentSteps steps = NodeAgent.build("nodeB", stateDir, Path.of("/bin/busybox"), AgentHarness.RUNNER, Timing.seconds(60));
    server = AgentServer.start(Transport.tls(files(Identity.node("nodeB")))
        .secure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), r -> { }, "node/nodeB"), steps, List.of());
    token = coordinator().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(context())
        .setContainerId(CONTAINER).setSourceNode("nodeA").build()).getTransferToken();
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow();
  }

  @Test
  void aReplayedTokenAfterACompletedStreamCannotWriteAgain() throws Exception {
    assertThat(send(open("t1"), header("pages.img", 0, CONTENT.length), chunk(0, 0, CONTENT), end(0, CONTENT), close(1)).getCode())
        .isEqualTo(Status.Code.OK);
    Path images = images().resolve("final");
    assertThat(Files.readAllBytes(images.resolve("pages.img"))).isEqualTo(CONTENT);
    byte[] again = "sent again".getBytes(StandardCharsets.UTF_8);
    // The same transfer again: it is committed, nothing more may arrive.
    Status sameTransfer = send(open("t1"), header("pages.img", 0, again.length), chunk(0, 0, again), end(0, again), close(1));
    assertThat(sameTransfer.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(sameTransfer.getDescription()).contains("already committed");
    assertThat(Files.readAllBytes(images.resolve("pages.img"))).isEqualTo(CONTENT);
    // A new transfer from the named source before the restore (a leader resuming Transfer after a hold sends again):
    // it replaces the whole tree at its commit, never a mix of both.
    assertThat(send(open("t2"), header("pages.img", 0, again.length), chunk(0, 0, again), end(0, again), close(1)).getCode())
        .isEqualTo(Status.Code.OK);
    assertThat(Files.readAllBytes(images.resolve("pages.img"))).isEqualTo(again);
    assertThat(list(images())).containsExactly(images(), images, images.resolve("pages.img"));
    // Once the coordinator closes the migration's admission, its token admits nothing at all.
    coordinator().abortRestore(AbortRestoreRequest.newBuilder().setMigration(context()).setContainerId(CONTAINER).build());
    Status afterAbort = send(open("t3"), header("pages.img", 0, CONTENT.length), chunk(0, 0, CONTENT), end(0, CONTENT), close(1));
    assertThat(afterAbort.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void aReplayedTokenAfterAnAbortedStreamIsRefused() throws Exception {
    byte[] corrupt = CONTENT.clone();
    corrupt[3] ^= 1;
    TransferFrame tampered = TransferFrame.newBuilder().setChunk(chunk(0, 0, CONTENT).getChunk().toBuilder()
        .setData(ByteString.copyFrom(corrupt))).build();
    assertThat(send(open("t1"), header("pages.img", 0, CONTENT.length), tampered).getCode()).isEqualTo(Status.Code.DATA_LOSS);
    assertNothingReceived();
    // The failed transfer keeps its first cause: a replay of it learns that and writes nothing.
    Status replay = send(open("t1"), header("pages.img", 0, CONTENT.length), chunk(0, 0, CONTENT), end(0, CONTENT), close(1));
    assertThat(replay.getCode()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(replay.getDescription()).startsWith("transfer failed:");
    assertNothingReceived();
    // Once the coordinator aborts the migration, its token admits nothing at all.
    coordinator().abortRestore(AbortRestoreRequest.newBuilder().setMigration(context()).setContainerId(CONTAINER).build());
    Status afterAbort = send(open("t2"), header("pages.img", 0, CONTENT.length), chunk(0, 0, CONTENT), end(0, CONTENT), close(1));
    assertThat(afterAbort.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(Files.exists(stateDir.resolve("containers").resolve(CONTAINER).resolve("images").resolve("final"))).isFalse();
  }

  @Test
  void aTruncatedChunkIsDataLossAndLeavesNothing() throws Exception {
    TransferFrame truncated = TransferFrame.newBuilder().setChunk(chunk(0, 0, CONTENT).getChunk().toBuilder()
        .setData(ByteString.copyFrom(Arrays.copyOf(CONTENT, 7)))).build();
    Status status = send(open("t1"), header("pages.img", 0, CONTENT.length), truncated, end(0, CONTENT), close(1));
    assertThat(status.getCode()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(status.getDescription()).contains("chunk has 7 bytes, header says " + CONTENT.length);
    assertNothingReceived();
  }

  /** A frame over Transfer's message limit after a valid open: the transport refuses it, and the transfer goes with it. */
  @Test
  void aFrameOverTheMessageLimitMidStreamLeavesNothing() throws Exception {
    byte[] huge = new byte[RequestLimits.MAX_TRANSFER_MESSAGE_BYTES + 1];
    Status status = send(open("t1"), header("pages.img", 0, huge.length), chunk(0, 0, huge), end(0, huge), close(1));
    // The transport answers RESOURCE_EXHAUSTED and resets the stream; which of the two reaches this client first is a race,
    // and a client still writing the rest of the 16 MiB message may instead find the connection closed (UNAVAILABLE,
    // "Broken pipe"; a clean-clone run of 356266e did).
    assertThat(status.getCode()).as(status.toString())
        .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
    // Before, the receiver saw only "RPC cancelled", kept the transfer for a resume, and its staging directory stayed.
    // The refusal reaches this client before the server's cancel handler has removed the staging directory: wait for it.
    org.awaitility.Awaitility.await("staging removed after the refusal").atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(this::assertNothingReceived);
  }

  @Test
  void outOfOrderOffsetsAreInvalidAndLeaveNothing() throws Exception {
    byte[] first = Arrays.copyOf(CONTENT, 8);
    byte[] second = Arrays.copyOfRange(CONTENT, 8, CONTENT.length);
    Status status = send(open("t1"), header("pages.img", 0, CONTENT.length), chunk(0, 8, second), chunk(0, 0, first), end(0, CONTENT), close(1));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("chunk at 8 but 0 bytes are verified");
    assertNothingReceived();
  }

  @Test
  void dotDotAndAbsolutePathsAreRefusedAndLeaveNothing() throws Exception {
    for (String path : List.of("../../../../escaped", "a/../../escaped", "/tmp/ferry-hostile-escaped")) {
      Status status = send(open("t-" + path.length()), header(path, 0, CONTENT.length), chunk(0, 0, CONTENT), end(0, CONTENT), close(1));
      assertThat(status.getCode()).as(path).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription()).as(path).contains(path);
    }
    assertThat(Files.exists(Path.of("/tmp/ferry-hostile-escaped"))).isFalse();
    assertNothingReceived();
  }

  @Test
  void aSymlinkOutOfTheTreeCannotBeWrittenThrough() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    TransferFrame structureOnly = TransferFrame.newBuilder().setOpen(open("t1").getOpen().toBuilder().setFilesTotal(0)).build();
    Status status = send(structureOnly,
        TransferFrame.newBuilder().setFile(FileHeader.newBuilder().setPath("esc").setType(EntryType.ENTRY_TYPE_SYMLINK)
            .setLinkTarget(outside.toString()).setMode(0777)).build(),
        TransferFrame.newBuilder().setFile(FileHeader.newBuilder().setPath("esc/planted").setType(EntryType.ENTRY_TYPE_SYMLINK)
            .setLinkTarget("/etc/shadow").setMode(0777)).build(),
        close(0));
    assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("symlink");
    assertThat(list(outside)).containsExactly(outside);
    assertNothingReceived();
  }

  @Test
  void aTenMegabyteContainerNameIsRefusedBeforeTheAgentActs() throws Exception {
    var agent = coordinator();
    assertThatThrownBy(() -> agent.dump(DumpRequest.newBuilder().setMigration(context()).setContainerId("c".repeat(10 << 20)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> agent.prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(context())
        .setContainerId("c".repeat(512 << 10)).setSourceNode("nodeA").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("PrepareRestoreRequest.container_id is 524288 characters long; at most 253");
        });
    // The 10 MB name in the stream's first frame: refused before any session exists (a frame over the limit after a
    // valid open: aFrameOverTheMessageLimitMidStreamLeavesNothing).
    TransferFrame hugeOpen = TransferFrame.newBuilder().setOpen(open("t1").getOpen().toBuilder().setSourceNode("n".repeat(10 << 20))).build();
    Status hugeStream = send(hugeOpen, close(0));
    // Within Transfer's message limit (chunks are large): the self-claim check refuses it, echoing a cut name.
    assertThat(hugeStream.getCode()).as(hugeStream.toString()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(hugeStream.getDescription()).contains("…(" + (10 << 20) + " characters)").hasSizeLessThan(300);
    try (Stream<Path> containers = Files.list(stateDir.resolve("containers"))) {
      assertThat(containers.map(p -> p.getFileName().toString())).containsExactly(CONTAINER);
    }
    assertNothingReceived();
  }

  @Test
  void unknownEnumNumbersAreInvalidNotDefaults() throws Exception {
    TransferFrame unknownKind = TransferFrame.newBuilder().setOpen(open("t1").getOpen().toBuilder().setKindValue(42)).build();
    Status kind = send(unknownKind, close(0));
    assertThat(kind.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(kind.getDescription()).startsWith("TransferFrame.open.kind has the unknown value 42");
    TransferFrame unknownCompression = TransferFrame.newBuilder().setChunk(chunk(0, 0, CONTENT).getChunk().toBuilder()
        .setCompressionValue(9)).build();
    Status compression = send(open("t2"), header("pages.img", 0, CONTENT.length), unknownCompression, end(0, CONTENT), close(1));
    assertThat(compression.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(compression.getDescription()).startsWith("TransferFrame.chunk.compression has the unknown value 9");
    assertThatThrownBy(() -> coordinator().restore(RestoreRequest.newBuilder().setMigration(context()).setContainerId(CONTAINER)
        .setImageId("final").setClockPolicyValue(7).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("RestoreRequest.clock_policy has the unknown value 7");
        });
    assertNothingReceived();
  }

  // --- the peer's frames -------------------------------------------------------------------

  private TransferFrame open(String transferId) {
    return TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setMigrationId(MIGRATION).setToken(token)
        .setSourceNode("nodeA").setDestination("images-final").setKind(TransferKind.TRANSFER_KIND_IMAGES)
        .setTransferId(transferId).setFilesTotal(1)).build();
  }

  private static TransferFrame header(String path, int index, long size) {
    return TransferFrame.newBuilder().setFile(FileHeader.newBuilder().setPath(path).setType(EntryType.ENTRY_TYPE_FILE)
        .setFileIndex(index).setSize(size).setMode(0600)).build();
  }

  private static TransferFrame chunk(int index, long offset, byte[] raw) {
    CRC32C crc = new CRC32C();
    crc.update(raw);
    return TransferFrame.newBuilder().setChunk(Chunk.newBuilder().setFileIndex(index).setOffset(offset).setRawLength(raw.length)
        .setCompression(Compression.COMPRESSION_NONE).setCrc32C((int) crc.getValue()).setData(ByteString.copyFrom(raw))).build();
  }

  private static TransferFrame end(int index, byte[] content) throws Exception {
    return TransferFrame.newBuilder().setFileEnd(FileEnd.newBuilder().setFileIndex(index).setSize(content.length)
        .setDigest(ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(content)))).build();
  }

  private static TransferFrame close(int files) {
    return TransferFrame.newBuilder().setClose(TransferClose.newBuilder().setFilesTotal(files)).build();
  }

  // --- plumbing ----------------------------------------------------------------------------

  /** Sends the frames as node/nodeA on one Send call, half-closes, returns how the agent ended it. */
  private Status send(TransferFrame... frames) throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<TransferFrame> call = TransferGrpc.newStub(as(Identity.node("nodeA"))).withDeadlineAfter(20, TimeUnit.SECONDS)
        .send(new StreamObserver<TransferAck>() {
          @Override
          public void onNext(TransferAck ack) {}

          @Override
          public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            ended.complete(Status.OK);
          }
        });
    try {
      for (TransferFrame f : frames) {
        call.onNext(f);
      }
      call.onCompleted();
    } catch (IllegalStateException alreadyEnded) {
      // the agent ended the call while frames were still going out
    }
    transfers++;
    return ended.get(Timing.seconds(20).toMillis(), TimeUnit.MILLISECONDS);
  }

  private NodeAgentGrpc.NodeAgentBlockingStub coordinator() {
    return NodeAgentGrpc.newBlockingStub(as(Identity.coordinator())).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static MigrationContext context() {
    return MigrationContext.newBuilder().setMigrationId(MIGRATION).setEpoch(Epoch.newBuilder().setValue(1)).build();
  }

  private ManagedChannel as(Identity id) {
    ManagedChannel c = Transport.tls(files(id)).channel("127.0.0.1:" + server.getPort()).maxInboundMessageSize(32 << 20).build();
    channels.add(c);
    return c;
  }

  private TlsFiles files(Identity id) {
    String base = id.toString().replace('/', '-');
    Path pki = dir.resolve("pki");
    if (!Files.exists(pki.resolve(base + ".crt"))) {
      Instant now = Instant.now();
      ca.issue(new LeafRequest(id, List.of(), List.of("127.0.0.1"), now.minusSeconds(60), now.plus(Duration.ofHours(1))))
          .writeTo(pki.resolve(base + ".crt"), pki.resolve(base + ".key"));
    }
    return TlsFiles.inDirectory(pki, base);
  }

  private Path images() {
    return stateDir.resolve("containers").resolve(CONTAINER).resolve("images");
  }

  /** The announced image slot stays empty: no image directory, no staging directory beside it. */
  private void assertNothingReceived() throws IOException {
    Path images = images();
    if (Files.exists(images)) {
      assertThat(list(images)).as("after %d transfers", transfers).containsExactly(images);
    }
    try (Stream<Path> all = Files.walk(stateDir.resolve("containers"))) {
      assertThat(all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".log"))).isEmpty();
    }
  }

  private static List<Path> list(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.sorted().toList();
    }
  }
}
