package dev.ferry.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.ferry.coordinator.agent.AgentClient.ImageKind;
import dev.ferry.coordinator.agent.AgentClient.MigrationRef;
import dev.ferry.coordinator.agent.AgentException;
import dev.ferry.coordinator.fsm.ClockPolicy;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.proto.v1.*;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The NodeAgent contract the coordinator relies on, against an in-process NodeAgent. */
class GrpcAgentClientTest {
  private final List<Object> requests = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private GrpcAgentClient client;
  private static final MigrationRef REF = new MigrationRef("m-1", 42);

  private final class Agent extends NodeAgentGrpc.NodeAgentImplBase {
    @Override
    public void dump(DumpRequest r, StreamObserver<DumpResult> out) {
      requests.add(r);
      if (r.getContainerId().equals("broken")) {
        FerryError e = FerryError.newBuilder().setReason(ReasonCode.CRIU_DUMP_FAILED)
            .setMessage("criu dump failed: external unix socket /run/x.sock")
            .setCriuLogTail("Error (criu/sk-unix.c:1): Can't dump").build();
        out.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.FAILED_PRECONDITION.value()).setMessage(e.getMessage()).addDetails(Any.pack(e))
            .build()));
        return;
      }
      out.onNext(DumpResult.newBuilder().setImageId("img-1").setImageBytes(1234).setPagesWritten(3)
          .setFrozenAt(AgentMapper.timestamp(Instant.parse("2025-01-01T00:00:00Z"))).build());
      out.onCompleted();
    }

    @Override
    public void sendImages(SendImagesRequest r, StreamObserver<TransferProgress> out) {
      requests.add(r);
      out.onNext(TransferProgress.newBuilder().setBytesRaw(500).setBytesTotal(1000).build());
      out.onNext(TransferProgress.newBuilder().setBytesRaw(1000).setBytesOnWire(400).setDone(true).build());
      out.onCompleted();
    }

    @Override
    public void sendRootfs(dev.ferry.proto.v1.SendRootfsRequest r, StreamObserver<TransferProgress> out) {
      requests.add(r);
      if (r.getContainerId().equals("on-an-older-agent")) {
        super.sendRootfs(r, out); // what an agent without the RPC answers: UNIMPLEMENTED
        return;
      }
      out.onNext(TransferProgress.newBuilder().setBytesRaw(3000).setBytesOnWire(2000).setDone(true).build());
      out.onCompleted();
    }

    @Override
    public void restore(RestoreRequest r, StreamObserver<RestoreResult> out) {
      requests.add(r);
      out.onNext(RestoreResult.newBuilder().setResumedAt(AgentMapper.timestamp(Instant.EPOCH)).build());
      out.onCompleted();
    }

    @Override
    public void inspectContainer(ContainerRef r, StreamObserver<ContainerInfo> out) {
      out.onError(Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());
    }
  }

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(new Agent()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    client = new GrpcAgentClient("node-a", channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void dumpCarriesMigrationEpochAndParentRound() {
    var d = client.dump(REF, "ct42", 3, true);
    assertThat(d.imageId()).isEqualTo("img-1");
    assertThat(d.frozenAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    DumpRequest sent = (DumpRequest) requests.getFirst();
    assertThat(sent.getMigration().getMigrationId()).isEqualTo("m-1");
    assertThat(sent.getMigration().getEpoch().getValue()).isEqualTo(42);
    assertThat(sent.getParentRound()).isEqualTo(3);
    assertThat(sent.getTcpEstablished()).isTrue();
  }

  @Test
  void anAgentsFerryErrorBecomesAStepRejectedWithTheCriuLogTail() {
    assertThatThrownBy(() -> client.dump(REF, "broken", 0, false))
        .isInstanceOfSatisfying(AgentException.class, e -> {
          Failure.StepRejected f = (Failure.StepRejected) e.failure();
          assertThat(f.reason()).isEqualTo(Reason.CRIU_DUMP_FAILED);
          assertThat(f.node()).isEqualTo("node-a");
          assertThat(f.criuLogTail()).contains("Can't dump");
          assertThat(f.retryable()).isFalse();
        });
  }

  @Test
  void unavailableBecomesARetryableUnreachable() {
    assertThatThrownBy(() -> client.inspect("ct42")).isInstanceOfSatisfying(AgentException.class, e -> {
      assertThat(e.failure()).isInstanceOf(Failure.Unreachable.class);
      assertThat(e.failure().retryable()).isTrue();
      assertThat(e.failure().message()).contains("InspectContainer on node-a").contains("connection refused");
    });
  }

  @Test
  void sendImagesReportsProgressAndTotals() {
    List<Long> progress = new ArrayList<>();
    var t = client.sendImages(REF, "ct42", "img-1", "10.0.0.2:7000", "tok", ImageKind.IMAGES, progress::add);
    assertThat(progress).containsExactly(500L, 1000L);
    assertThat(t.bytesRaw()).isEqualTo(1000);
    assertThat(t.bytesOnWire()).isEqualTo(400);
    SendImagesRequest sent = (SendImagesRequest) requests.getFirst();
    assertThat(sent.getKind()).isEqualTo(TransferKind.TRANSFER_KIND_IMAGES);
    assertThat(sent.getTransferToken()).isEqualTo("tok");
  }

  @Test
  void sendRootfsNamesTheTargetAndItsTokenAndReportsTheFirstPass() {
    var t = client.sendRootfs(REF, "ct42", "10.0.0.2:7000", "tok").orElseThrow();
    assertThat(t.bytesRaw()).isEqualTo(3000);
    assertThat(t.bytesOnWire()).isEqualTo(2000);
    var sent = (dev.ferry.proto.v1.SendRootfsRequest) requests.getFirst();
    assertThat(sent.getContainerId()).isEqualTo("ct42");
    assertThat(sent.getTargetAddress()).isEqualTo("10.0.0.2:7000");
    assertThat(sent.getTransferToken()).isEqualTo("tok");
    assertThat(sent.getMigration().getMigrationId()).isEqualTo(REF.migrationId());
  }

  @Test
  void anAgentWithoutSendRootfsMeansNoFirstPassNotAFailure() {
    assertThat(client.sendRootfs(REF, "on-an-older-agent", "10.0.0.2:7000", "tok")).isEmpty();
  }

  @Test
  void postcopyRestoreAsksForLazyPagesFromThePageServer() {
    client.restore(REF, "ct42", "img-t", true, ClockPolicy.FREEZE, Instant.EPOCH, "127.0.0.1:27000");
    RestoreRequest sent = (RestoreRequest) requests.getFirst();
    assertThat(sent.getLazy()).isTrue();
    assertThat(sent.getPageServerAddress()).isEqualTo("127.0.0.1");
    assertThat(sent.getPageServerPort()).isEqualTo(27000);
    assertThat(sent.getClockPolicy()).isEqualTo(dev.ferry.proto.v1.ClockPolicy.CLOCK_POLICY_FREEZE);
  }
}
