package dev.ferry.agent.transfer;

import dev.ferry.security.Transport;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** One gRPC channel per peer agent, reused across transfers. */
public final class PeerChannels implements AutoCloseable {
  private static final int MAX_INBOUND = 32 << 20;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Function<String, ManagedChannel> factory;

  public PeerChannels(Function<String, ManagedChannel> factory) {
    this.factory = factory;
  }

  /** Plaintext channels: for in-process test harnesses that serve without TLS. */
  public static PeerChannels plaintext() {
    return new PeerChannels(address -> NettyChannelBuilder.forTarget(address).usePlaintext()
        .maxInboundMessageSize(MAX_INBOUND).build());
  }

  /** Channels over this agent's transport: mutual TLS as {@code ferry://node/NAME}, or --insecure. */
  public static PeerChannels over(Transport transport) {
    return new PeerChannels(address -> transport.channel(address).maxInboundMessageSize(MAX_INBOUND).build());
  }

  public ManagedChannel to(String address) {
    return channels.computeIfAbsent(address, factory);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
