package dev.ferry.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ferry.proto.v1.Chunk;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.TransferAck;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferGrpc;
import dev.ferry.proto.v1.TransferOpen;
import dev.ferry.security.Identity;
import dev.ferry.security.Transport;
import dev.ferry.security.authz.RequestLimits;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message sizes are bounded per service, on a real TLS server as an agent serves them: a control
 * call (NodeAgent) above its small limit is RESOURCE_EXHAUSTED before its handler runs, while
 * Transfer takes image chunks many times that size.
 */
class MessageSizeLimitsIT {
  private static final int CHUNK = 8 << 20;

  @TempDir Path dir;
  private Server server;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong chunkBytes = new AtomicLong();
  private TestPki pki;

  @BeforeEach
  void start() throws Exception {
    pki = new TestPki(dir);
    Transport transport = Transport.tls(pki.issue(Identity.node("target"), "target"));
    server = transport.secure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), r -> {}, "agent")
        .addService(new CountingAgent()).addService(new CountingTransfer()).build().start();
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow();
  }

  @Test
  void theLimitsAreSmallForControlCallsAndLargeForTransfer() {
    assertThat(RequestLimits.maxMessageBytes(NodeAgentGrpc.SERVICE_NAME)).isEqualTo(RequestLimits.MAX_CONTROL_MESSAGE_BYTES);
    assertThat(RequestLimits.maxMessageBytes(TransferGrpc.SERVICE_NAME)).isEqualTo(RequestLimits.MAX_TRANSFER_MESSAGE_BYTES)
        .isGreaterThan(16 * RequestLimits.MAX_CONTROL_MESSAGE_BYTES);
  }

  @Test
  void anOversizedNodeAgentRequestIsResourceExhaustedAndNeverReachesTheHandler() {
    var agent = NodeAgentGrpc.newBlockingStub(as(Identity.coordinator(), "coordinator")).withDeadlineAfter(20, TimeUnit.SECONDS);
    String big = "x".repeat(RequestLimits.MAX_CONTROL_MESSAGE_BYTES + 1);
    assertThatThrownBy(() -> agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("ct1").addArgs(big).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).matches("a \\d+-byte message to ferry.v1.NodeAgent, which accepts at most "
              + RequestLimits.MAX_CONTROL_MESSAGE_BYTES + " bytes per message");
        });
    assertThat(created).hasValue(0);
    // Just under the limit goes through: the bound is the limit, not a guess below it.
    agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("ct1").addArgs("x".repeat(1000)).build());
    assertThat(created).hasValue(1);
  }

  @Test
  void transferChunksEightTimesTheControlLimitPass() throws Exception {
    var transfer = TransferGrpc.newStub(as(Identity.node("source"), "source"));
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<TransferFrame> frames = transfer.send(new StreamObserver<>() {
      @Override
      public void onNext(TransferAck ack) {}

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    frames.onNext(TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setSourceNode("source").setMigrationId("m1")).build());
    for (int i = 0; i < 3; i++) {
      frames.onNext(TransferFrame.newBuilder().setChunk(Chunk.newBuilder().setOffset((long) i * CHUNK).setRawLength(CHUNK)
          .setData(ByteString.copyFrom(new byte[CHUNK]))).build());
    }
    frames.onCompleted();
    done.get(60, TimeUnit.SECONDS);
    assertThat(chunkBytes).hasValue(3L * CHUNK);
  }

  private ManagedChannel as(Identity id, String base) {
    ManagedChannel c = Transport.tls(pki.issue(id, base)).channel("127.0.0.1:" + server.getPort()).build();
    channels.add(c);
    return c;
  }

  private final class CountingAgent extends NodeAgentGrpc.NodeAgentImplBase {
    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<ContainerInfo> response) {
      created.incrementAndGet();
      response.onNext(ContainerInfo.newBuilder().setContainerId(request.getContainerId()).build());
      response.onCompleted();
    }
  }

  private final class CountingTransfer extends TransferGrpc.TransferImplBase {
    @Override
    public StreamObserver<TransferFrame> send(StreamObserver<TransferAck> acks) {
      return new StreamObserver<>() {
        @Override
        public void onNext(TransferFrame frame) {
          chunkBytes.addAndGet(frame.getChunk().getData().size());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          acks.onCompleted();
        }
      };
    }
  }
}
