package dev.ferry.agent.transfer;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** One gRPC channel per peer agent, reused across transfers. */
public final class PeerChannels implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Function<String, ManagedChannel> factory;

  public PeerChannels(Function<String, ManagedChannel> factory) {
    this.factory = factory;
  }

  public static PeerChannels plaintext() {
    return new PeerChannels(address -> NettyChannelBuilder.forTarget(address).usePlaintext()
        .maxInboundMessageSize(32 << 20).build());
  }

  public ManagedChannel to(String address) {
    return channels.computeIfAbsent(address, factory);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
