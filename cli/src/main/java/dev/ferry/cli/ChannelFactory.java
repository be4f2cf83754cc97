package dev.ferry.cli;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/** Opens the channel to a coordinator; tests swap in an in-process channel. */
@FunctionalInterface
interface ChannelFactory {
  ManagedChannel open(String target);

  /** Plaintext gRPC over TCP (mutual TLS is not wired yet, see DESIGN.md "Security"). */
  static ChannelFactory plaintext() {
    return target -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
  }
}
