package dev.ferry.coordinator.grpc;

import dev.ferry.coordinator.agent.AgentClient;
import dev.ferry.coordinator.agent.AgentException;
import dev.ferry.coordinator.agent.Agents;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.registry.Node;
import dev.ferry.coordinator.registry.NodeRegistry;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import dev.ferry.security.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents reached over gRPC at the address each registered with; one channel per address, over
 * the coordinator's transport (mutual TLS as {@code ferry://coordinator}, or --insecure).
 */
public final class GrpcAgents implements Agents, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcAgents.class);
  private final NodeRegistry registry;
  private final Transport transport;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final List<ClientInterceptor> interceptors;

  public GrpcAgents(NodeRegistry registry, Transport transport) {
    this(registry, transport, List.of());
  }

  /** @param interceptors on every agent channel (trace context propagation) */
  public GrpcAgents(NodeRegistry registry, Transport transport, List<ClientInterceptor> interceptors) {
    this.registry = registry;
    this.transport = transport;
    this.interceptors = List.copyOf(interceptors);
  }

  @Override
  public AgentClient of(String node) {
    String address = address(node);
    ManagedChannel channel = channels.computeIfAbsent(address, a -> {
      log.info("opening a channel to agent {} at {}", node, a);
      return transport.channel(a).intercept(interceptors).build();
    });
    return new GrpcAgentClient(node, channel);
  }

  @Override
  public String address(String node) {
    return registry.node(node).map(Node::address).filter(a -> !a.isEmpty())
        .orElseThrow(() -> new AgentException(new Failure.Unreachable(Reason.NODE_NOT_FOUND, node,
            "no address registered for node " + node)));
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels.values()) {
      c.shutdown();
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
