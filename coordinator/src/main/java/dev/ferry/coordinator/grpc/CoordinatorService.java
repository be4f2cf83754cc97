package dev.ferry.coordinator.grpc;

import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.ipam.AddressBook;
import dev.ferry.coordinator.ipam.AddressRelease;
import dev.ferry.coordinator.ipam.ContainerNetwork;
import dev.ferry.coordinator.registry.NodeRegistration;
import dev.ferry.coordinator.registry.NodeRegistry;
import dev.ferry.coordinator.service.Coordinator;
import dev.ferry.coordinator.service.Ids;
import dev.ferry.proto.v1.*;
import dev.ferry.security.Identity;
import dev.ferry.security.Role;
import dev.ferry.security.authz.Callers;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The Coordinator gRPC API: validate, call the domain, map; errors through {@link GrpcErrors}. */
public final class CoordinatorService extends CoordinatorGrpc.CoordinatorImplBase {
  private final Coordinator coordinator;
  private final NodeRegistry registry;
  private final AddressBook addresses;
  private final Duration nodeLeaseTtl;
  private final Duration watchPoll;

  public CoordinatorService(Coordinator coordinator, NodeRegistry registry, AddressBook addresses,
      Duration nodeLeaseTtl, Duration watchPoll) {
    this.coordinator = coordinator;
    this.registry = registry;
    this.addresses = addresses;
    this.nodeLeaseTtl = nodeLeaseTtl;
    this.watchPoll = watchPoll;
  }

  private static <T> void reply(StreamObserver<T> out, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }

  @Override
  public void migrate(MigrateRequest r, StreamObserver<dev.ferry.proto.v1.Migration> out) {
    reply(out, () -> ApiMapper.migration(coordinator.migrate(ApiMapper.spec(r))));
  }

  @Override
  public void getMigration(GetMigrationRequest r, StreamObserver<dev.ferry.proto.v1.Migration> out) {
    reply(out, () -> ApiMapper.migration(coordinator.get(r.getMigrationId())));
  }

  @Override
  public void listMigrations(ListMigrationsRequest r, StreamObserver<ListMigrationsResponse> out) {
    reply(out, () -> ListMigrationsResponse.newBuilder().addAllMigrations(coordinator.list(r.getContainerId(),
        r.getNode(), r.getActiveOnly(), r.getLimit()).stream().map(ApiMapper::migration).toList()).build());
  }

  @Override
  public void cancelMigration(CancelMigrationRequest r, StreamObserver<dev.ferry.proto.v1.Migration> out) {
    reply(out, () -> ApiMapper.migration(coordinator.cancel(r.getMigrationId(), r.getReason())));
  }

  /** Polls the store (works on followers too) and sends every change until the migration ends or the client leaves. */
  @Override
  public void watchMigration(WatchMigrationRequest r, StreamObserver<MigrationEvent> out) {
    var call = (ServerCallStreamObserver<MigrationEvent>) out;
    try {
      String id = r.getMigrationId();
      java.util.Map<String, Migration> seen = new java.util.HashMap<>();
      while (!call.isCancelled()) {
        List<Migration> now = id.isEmpty() ? coordinator.list("", "", false, 0) : List.of(coordinator.get(id));
        for (Migration m : now) {
          if (!m.equals(seen.put(m.id(), m))) {
            out.onNext(MigrationEvent.newBuilder().setMigration(ApiMapper.migration(m))
                .setAt(AgentMapper.timestamp(Instant.now())).setMessage(m.phase().label()).build());
          }
        }
        if (!id.isEmpty() && now.getFirst().phase().terminal()) {
          break;
        }
        Thread.sleep(watchPoll);
      }
      out.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.onError(io.grpc.Status.CANCELLED.withDescription("coordinator shutting down").asRuntimeException());
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public void evacuate(EvacuateRequest r, StreamObserver<Evacuation> out) {
    reply(out, () -> ApiMapper.evacuation(coordinator.evacuate(r.getNode(), ApiMapper.strategy(r.getStrategy()),
        ApiMapper.clockPolicy(r.getClockPolicy()),
        r.hasDowntimeBudget() ? AgentMapper.duration(r.getDowntimeBudget()) : null)));
  }

  @Override
  public void getEvacuation(GetEvacuationRequest r, StreamObserver<Evacuation> out) {
    reply(out, () -> ApiMapper.evacuation(coordinator.evacuation(r.getEvacuationId())));
  }

  @Override
  public void drain(DrainRequest r, StreamObserver<DrainResult> out) {
    reply(out, () -> {
      Duration timeout = r.hasTimeout() ? AgentMapper.duration(r.getTimeout()) : Duration.ofMinutes(10);
      try {
        return ApiMapper.drain(coordinator.drain(r.getNode(), timeout, ApiMapper.strategy(r.getStrategy()),
            ApiMapper.clockPolicy(r.getClockPolicy())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("drain of " + r.getNode() + " interrupted", e);
      }
    });
  }

  @Override
  public void uncordon(UncordonRequest r, StreamObserver<Node> out) {
    reply(out, () -> node(coordinator.uncordon(r.getNode())));
  }

  @Override
  public void listNodes(ListNodesRequest r, StreamObserver<ListNodesResponse> out) {
    reply(out, () -> ListNodesResponse.newBuilder()
        .addAllNodes(coordinator.nodes().stream().map(this::node).toList()).build());
  }

  private Node node(dev.ferry.coordinator.registry.Node n) {
    var active = coordinator.list("", n.name(), true, 0);
    int in = (int) active.stream().filter(m -> m.targetNode().equals(n.name())).count();
    int out = (int) active.stream().filter(m -> m.sourceNode().equals(n.name())).count();
    return ApiMapper.node(n, in, out, coordinator.containers(n.name()).size());
  }

  @Override
  public void listContainers(ListClusterContainersRequest r, StreamObserver<ListClusterContainersResponse> out) {
    reply(out, () -> ListClusterContainersResponse.newBuilder().addAllContainers(
        coordinator.containers(r.getNode()).stream().map(ApiMapper::container).toList()).build());
  }

  @Override
  public void registerNode(RegisterNodeRequest r, StreamObserver<RegisterNodeResponse> out) {
    reply(out, () -> {
      Ids.node(r.getNode());
      var caps = AgentMapper.capabilities(r.getCapabilities().toBuilder().setNode(r.getNode()).build());
      var lease = registry.register(new NodeRegistration(r.getNode(), r.getAddress(), caps, Instant.now()),
          nodeLeaseTtl);
      return RegisterNodeResponse.newBuilder().setLeaseId(lease.id())
          .setLeaseTtl(AgentMapper.duration(lease.ttl())).build();
    });
  }

  @Override
  public void reportContainers(ReportContainersRequest r, StreamObserver<ReportContainersResponse> out) {
    reply(out, () -> {
      Ids.node(r.getNode());
      registry.reportContainers(r.getNode(), r.getContainersList().stream()
          .map(c -> ApiMapper.container(r.getNode(), c)).toList());
      return ReportContainersResponse.getDefaultInstance();
    });
  }

  // Addresses go straight to etcd, whose transaction arbitrates: any coordinator serves them, leader or not.
  @Override
  public void allocateAddress(AllocateAddressRequest r, StreamObserver<AddressLease> out) {
    reply(out, () -> {
      String containerId = Ids.container(r.getContainerId());
      String node = Ids.node(r.getNode());
      return ApiMapper.lease(addresses.allocate(containerId, ContainerNetwork.parse(r.getNetwork()), node));
    });
  }

  @Override
  public void releaseAddress(ReleaseAddressRequest r, StreamObserver<ReleaseAddressResponse> out) {
    reply(out, () -> {
      String containerId = Ids.container(r.getContainerId());
      // The authorization table lets only nodes call this; which node may is decided here, by who holds the container.
      Optional<String> caller = Callers.current().filter(c -> c.role() == Role.NODE).map(Identity::name);
      return ReleaseAddressResponse.newBuilder()
          .setReleased(new AddressRelease(addresses, registry).release(containerId, caller).orElse("")).build();
    });
  }
}
