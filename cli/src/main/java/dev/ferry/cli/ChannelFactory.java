package dev.ferry.cli;

import dev.ferry.security.Transport;
import io.grpc.ManagedChannel;
import java.util.function.Supplier;

/** Opens the channel to a coordinator; tests swap in an in-process channel (which needs no transport). */
@FunctionalInterface
interface ChannelFactory {
  ManagedChannel open(String target, Supplier<Transport> transport);

  /** gRPC over TCP with the transport the command line asked for (mutual TLS, or --insecure). */
  static ChannelFactory network() {
    return (target, transport) -> transport.get().channel(target).build();
  }
}
