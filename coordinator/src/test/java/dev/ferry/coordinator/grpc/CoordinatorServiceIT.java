package dev.ferry.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.coordinator.fsm.Feature;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.coordinator.service.CoordinatorConfig;
import dev.ferry.coordinator.service.CoordinatorRuntime;
import dev.ferry.coordinator.testkit.EtcdExtension;
import dev.ferry.coordinator.testkit.FakeAgents;
import dev.ferry.coordinator.testkit.SwitchableLeadership;
import dev.ferry.proto.v1.*;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The public API over in-process gRPC, on real etcd, with fake agents: bad input and one real flow. */
class CoordinatorServiceIT {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private FakeAgents agents;
  private SwitchableLeadership leadership;
  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;
  private CoordinatorGrpc.CoordinatorBlockingStub api;

  @BeforeEach
  void start() {
    agents = new FakeAgents().node("node-a").node("node-b").node("node-c").container("node-a", "ct42");
    leadership = new SwitchableLeadership("coord-1:9000");
    runtime = CoordinatorRuntime.withLeadership(etcd.client(), agents, leadership, CoordinatorConfig.DEFAULT);
    leadership.elect(3);
    runtime.dispatcher().elected(3);
    String name = InProcessServerBuilder.generateName();
    server = CoordinatorServer.start(InProcessServerBuilder.forName(name), new CoordinatorService(
        runtime.coordinator(), runtime.registry(), runtime.addresses(), Duration.ofSeconds(30),
        Duration.ofMillis(50)));
    channel = InProcessChannelBuilder.forName(name).build();
    api = CoordinatorGrpc.newBlockingStub(channel);
    for (String n : List.of("node-a", "node-b", "node-c")) {
      api.registerNode(RegisterNodeRequest.newBuilder().setNode(n).setAddress("127.0.0.1:1").setCapabilities(
          AgentMapper.capabilities(new NodeCapabilities(n, "4.2.1", "6.16", Feature.no("no soft-dirty"),
              Feature.yes(), Feature.yes(), 2, 4L << 30, 10L << 30))).build());
    }
    api.reportContainers(ReportContainersRequest.newBuilder().setNode("node-a").addContainers(ContainerInfo
        .newBuilder().setContainerId("ct42").setState(ContainerState.CONTAINER_STATE_RUNNING).setRssBytes(1 << 24))
        .build());
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    runtime.close();
  }

  private static MigrateRequest migrate(String ct, String from, String to) {
    return MigrateRequest.newBuilder().setContainerId(ct).setSourceNode(from).setTargetNode(to).build();
  }

  private static void assertRefused(ThrowingCallable call, Status.Code code, ReasonCode reason, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(message);
      FerryError detail = ferryError(e);
      assertThat(detail.getReason()).isEqualTo(reason);
      assertThat(detail.getMessage()).isEqualTo(message);
    });
  }

  static FerryError ferryError(StatusRuntimeException e) {
    try {
      return StatusProto.fromThrowable(e).getDetails(0).unpack(FerryError.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
      throw new AssertionError(x);
    }
  }

  @Test
  void unknownContainer() {
    assertRefused(() -> api.migrate(migrate("ct99", "node-a", "node-b")), Status.Code.NOT_FOUND,
        ReasonCode.CONTAINER_NOT_FOUND, "unknown container 'ct99': no node reports it");
  }

  @Test
  void unknownTargetNode() {
    assertRefused(() -> api.migrate(migrate("ct42", "node-a", "node-z")), Status.Code.NOT_FOUND,
        ReasonCode.NODE_NOT_FOUND, "unknown node 'node-z': no agent registered under that name");
  }

  @Test
  void sourceEqualsTarget() {
    assertRefused(() -> api.migrate(migrate("ct42", "node-a", "node-a")), Status.Code.INVALID_ARGUMENT,
        ReasonCode.INVALID_ARGUMENT, "source and target are both node-a: a container cannot migrate to the node it "
            + "runs on");
  }

  @Test
  void targetIsTheSourceWhenTheSourceIsLeftOut() {
    assertRefused(() -> api.migrate(migrate("ct42", "", "node-a")), Status.Code.INVALID_ARGUMENT,
        ReasonCode.INVALID_ARGUMENT, "target node node-a is the source node: a container cannot migrate to the "
            + "node it runs on");
  }

  @Test
  void cordonedTarget() {
    runtime.registry().cordon("node-b", "kernel upgrade");
    assertRefused(() -> api.migrate(migrate("ct42", "node-a", "node-b")), Status.Code.FAILED_PRECONDITION,
        ReasonCode.NODE_CORDONED, "target node node-b is cordoned (kernel upgrade); uncordon it or pick another "
            + "target");
    Node uncordoned = api.uncordon(UncordonRequest.newBuilder().setNode("node-b").build());
    assertThat(uncordoned.getCordoned()).isFalse();
  }

  @Test
  void duplicateMigrationNamesTheRunningOne() throws InterruptedException {
    agents.block("node-b", "PrepareRestore");
    var first = api.migrate(migrate("ct42", "node-a", "node-b"));
    assertThat(agents.awaitReached("node-b", "PrepareRestore", Duration.ofSeconds(10))).isTrue();
    assertRefused(() -> api.migrate(migrate("ct42", "node-a", "node-c")), Status.Code.FAILED_PRECONDITION,
        ReasonCode.MIGRATION_IN_PROGRESS, "container ct42 is already being migrated by migration "
            + first.getMigrationId());
    agents.release("node-b", "PrepareRestore");
  }

  @Test
  void malformedIds() {
    assertRefused(() -> api.migrate(migrate("CT 42!", "node-a", "node-b")), Status.Code.INVALID_ARGUMENT,
        ReasonCode.INVALID_ARGUMENT, "invalid container id 'CT 42!': use 1-63 characters of a-z, 0-9, '.', '_' or "
            + "'-', starting with a letter or digit");
    assertRefused(() -> api.migrate(migrate("", "node-a", "node-b")), Status.Code.INVALID_ARGUMENT,
        ReasonCode.INVALID_ARGUMENT, "container id is required");
    assertRefused(() -> api.migrate(migrate("ct42", "node-a", "../etc")), Status.Code.INVALID_ARGUMENT,
        ReasonCode.INVALID_ARGUMENT, "invalid node name '../etc': use 1-63 characters of A-Z, a-z, 0-9, '.', '_' or "
            + "'-', starting with a letter or digit");
    assertRefused(() -> api.getMigration(GetMigrationRequest.newBuilder().setMigrationId("m/../x").build()),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT, "invalid migration id 'm/../x': use 1-63 "
            + "characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
  }

  @Test
  void unknownMigration() {
    assertRefused(() -> api.getMigration(GetMigrationRequest.newBuilder().setMigrationId("m-000000000000").build()),
        Status.Code.NOT_FOUND, ReasonCode.MIGRATION_NOT_FOUND, "unknown migration 'm-000000000000'");
  }

  @Test
  void aFollowerRefusesWritesNamingTheLeaderButServesReads() {
    leadership.depose();
    assertThatThrownBy(() -> api.migrate(migrate("ct42", "node-a", "node-b")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(ferryError(e).getReason()).isEqualTo(ReasonCode.NOT_LEADER);
          assertThat(ferryError(e).getRetryable()).isTrue();
        });
    assertThat(api.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList()).hasSize(3);
  }

  @Test
  void aMigrationThroughTheApiStreamsItsPhasesToDone() {
    var m = api.migrate(migrate("ct42", "node-a", "node-b").toBuilder()
        .setDowntimeBudget(com.google.protobuf.Duration.newBuilder().setSeconds(2)).build());
    assertThat(m.getPhase()).isEqualTo(Phase.PHASE_QUEUED);
    List<Phase> seen = new ArrayList<>();
    api.withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
        .watchMigration(WatchMigrationRequest.newBuilder().setMigrationId(m.getMigrationId()).build())
        .forEachRemaining(ev -> seen.add(ev.getMigration().getPhase()));
    assertThat(seen.getLast()).isEqualTo(Phase.PHASE_DONE);
    var done = api.getMigration(GetMigrationRequest.newBuilder().setMigrationId(m.getMigrationId()).build());
    assertThat(done.getChosenStrategy()).isEqualTo(Strategy.STRATEGY_STOPCOPY);
    assertThat(done.getStrategyReason()).contains("within the 2000 ms budget");
    assertThat(done.getHistoryList()).extracting(PhaseTransition::getTo).containsSubsequence(Phase.PHASE_PLAN,
        Phase.PHASE_PREFLIGHT, Phase.PHASE_PREPARE_TARGET, Phase.PHASE_FREEZE_AND_DUMP, Phase.PHASE_TRANSFER,
        Phase.PHASE_RESTORE, Phase.PHASE_VERIFY, Phase.PHASE_COMMIT, Phase.PHASE_DONE);
    assertThat(done.getStats().getBytesOnWire()).isEqualTo(6L << 20);
    var containers = api.listContainers(ListClusterContainersRequest.newBuilder().setNode("node-b").build());
    assertThat(containers.getContainersList()).extracting(ContainerInfo::getContainerId).containsExactly("ct42");
    assertRefused(() -> api.cancelMigration(CancelMigrationRequest.newBuilder().setMigrationId(m.getMigrationId())
        .build()), Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT, "migration " + m.getMigrationId()
        + " already finished (Done); nothing to cancel");
  }

  @Test
  void healthAndReflectionAreServed() {
    var health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
        .setService(CoordinatorGrpc.SERVICE_NAME).build());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(server.getServices()).extracting(s -> s.getServiceDescriptor().getName())
        .contains("grpc.reflection.v1.ServerReflection", "grpc.health.v1.Health", "ferry.v1.Coordinator");
  }

  private static AllocateAddressRequest allocate(String ct, String network, String node) {
    return AllocateAddressRequest.newBuilder().setContainerId(ct).setNetwork(network).setNode(node).build();
  }

  private static ReleaseAddressRequest release(String ct) {
    return ReleaseAddressRequest.newBuilder().setContainerId(ct).build();
  }

  @Test
  void addressesAreKeptPerContainerAndReleased() {
    AddressLease first = api.allocateAddress(allocate("ct42", "198.18.71.0/24", "node-a"));
    assertThat(first).isEqualTo(AddressLease.newBuilder().setContainerId("ct42").setAddress("198.18.71.2")
        .setPrefixLength(24).setNetwork("198.18.71.0/24").build());
    // Asked again (say from the node it migrated to): the same address.
    assertThat(api.allocateAddress(allocate("ct42", "198.18.71.0/24", "node-b"))).isEqualTo(first);
    assertThat(api.allocateAddress(allocate("ct43", "198.18.71.0/24", "node-b")).getAddress())
        .isEqualTo("198.18.71.3");
    assertThat(api.releaseAddress(release("ct42")).getReleased()).isEqualTo("198.18.71.2");
    assertThat(api.releaseAddress(release("ct42")).getReleased()).isEmpty();
    assertThat(api.allocateAddress(allocate("ct44", "198.18.71.0/24", "node-c")).getAddress())
        .isEqualTo("198.18.71.2");
  }

  @Test
  void addressesAreServedByAFollowerToo() {
    leadership.depose();
    assertThat(api.allocateAddress(allocate("ct42", "198.18.71.0/24", "node-a")).getAddress())
        .isEqualTo("198.18.71.2");
    assertThat(api.releaseAddress(release("ct42")).getReleased()).isEqualTo("198.18.71.2");
  }

  @Test
  void badAddressRequestsAreRefusedPrecisely() {
    assertRefused(() -> api.allocateAddress(allocate("ct42", "198.18.71.5/24", "node-a")),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT,
        "container network '198.18.71.5/24' has host bits set: did you mean 198.18.71.0/24?");
    assertRefused(() -> api.allocateAddress(allocate("ct42", "fd00::/64", "node-a")),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT,
        "container network 'fd00::/64' is not IPv4: only IPv4 container networks are supported");
    assertRefused(() -> api.allocateAddress(allocate("ct42", "198.18.71.0/31", "node-a")),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT, "container network '198.18.71.0/31' is too "
            + "small: a /31 has no room for a gateway and a container; use a prefix length of 30 or less");
    assertRefused(() -> api.allocateAddress(allocate("", "198.18.71.0/24", "node-a")),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT, "container id is required");
    assertRefused(() -> api.allocateAddress(allocate("ct42", "198.18.71.0/24", "")),
        Status.Code.INVALID_ARGUMENT, ReasonCode.INVALID_ARGUMENT, "node name is required");
    assertRefused(() -> api.releaseAddress(release("")), Status.Code.INVALID_ARGUMENT,
        ReasonCode.INVALID_ARGUMENT, "container id is required");
  }

  @Test
  void anotherNetworkAndAFullNetworkAreRefusedPrecisely() {
    api.allocateAddress(allocate("ct42", "198.18.71.0/30", "node-a"));
    assertRefused(() -> api.allocateAddress(allocate("ct42", "198.18.72.0/24", "node-a")),
        Status.Code.FAILED_PRECONDITION, ReasonCode.INVALID_ARGUMENT, "container ct42 already holds 198.18.71.2 in "
            + "network 198.18.71.0/30, not in 198.18.72.0/24; an address is kept for the container's life, release "
            + "it first to move to another network");
    assertRefused(() -> api.allocateAddress(allocate("ct43", "198.18.71.0/30", "node-a")),
        Status.Code.RESOURCE_EXHAUSTED, ReasonCode.INSUFFICIENT_RESOURCES, "container network 198.18.71.0/30 is "
            + "exhausted: its one container address is allocated (a /30 has 4 addresses; network, gateway "
            + "198.18.71.1 and broadcast are not given out)");
  }
}
