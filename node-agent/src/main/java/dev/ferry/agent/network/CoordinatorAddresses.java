package dev.ferry.agent.network;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.proto.v1.AllocateAddressRequest;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.ReleaseAddressRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Addresses from the coordinator's etcd-backed allocator (AllocateAddress / ReleaseAddress). */
public final class CoordinatorAddresses implements AddressSource {
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  private final CoordinatorGrpc.CoordinatorBlockingStub coordinator;
  private final String node;

  public CoordinatorAddresses(Channel coordinator, String node) {
    this.coordinator = CoordinatorGrpc.newBlockingStub(coordinator);
    this.node = node;
  }

  @Override
  public Attachment allocate(ContainerId id, String network) {
    try {
      var lease = stub().allocateAddress(AllocateAddressRequest.newBuilder()
          .setContainerId(id.value()).setNetwork(network).setNode(node).build());
      return new Attachment(lease.getAddress(), lease.getPrefixLength());
    } catch (StatusRuntimeException e) {
      throw new AgentException(FailureReason.NETWORK_SETUP_FAILED, "cannot get an address on " + network + " for container '"
          + id + "' from the coordinator: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
    }
  }

  @Override
  public void release(ContainerId id) {
    stub().releaseAddress(ReleaseAddressRequest.newBuilder().setContainerId(id.value()).build());
  }

  private CoordinatorGrpc.CoordinatorBlockingStub stub() {
    return coordinator.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }
}
