package dev.ferry.security;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.AdaptiveCumulator;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

/**
 * How a server's HTTP/2 handler keeps the bytes it has read and not yet decoded. Netty's default
 * merges every read into one buffer, and while gRPC still holds slices of that buffer (a message
 * larger than a read, such as a transfer's 1 MiB batches) each merge copies: every byte a transfer
 * receiver takes in was copied once more, 10% of its CPU on a loopback image transfer (profiled).
 * Netty's {@link AdaptiveCumulator} keeps large reads where they landed and merges only small ones,
 * so a peer sending byte-sized packets cannot make it track a buffer per byte. gRPC sets no
 * cumulator of its own; the handler is reachable only through the negotiator that wraps it.
 */
public final class ReadCumulation implements InternalProtocolNegotiator.ProtocolNegotiator {
  /** Reads (with the tail they join) below this are merged: gRPC's own threshold when it composed. */
  static final int COMPOSE_MIN_BYTES = 1024;

  private final InternalProtocolNegotiator.ProtocolNegotiator negotiator;

  private ReadCumulation(InternalProtocolNegotiator.ProtocolNegotiator negotiator) {
    this.negotiator = negotiator;
  }

  /** TLS with {@code server} (what {@code NettyServerBuilder.sslContext} negotiates), reads composed. */
  public static ReadCumulation tls(SslContext server) {
    if (!server.isServer()) {
      throw new IllegalArgumentException("a client TLS context cannot serve");
    }
    return new ReadCumulation(InternalProtocolNegotiators.serverTls(server));
  }

  /** Plaintext, reads composed ({@code Transport.insecure}, and plaintext benchmark peers). */
  public static ReadCumulation plaintext() {
    return new ReadCumulation(InternalProtocolNegotiators.serverPlaintext());
  }

  @Override
  public AsciiString scheme() {
    return negotiator.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    grpcHandler.setCumulator(new AdaptiveCumulator(COMPOSE_MIN_BYTES));
    return negotiator.newHandler(grpcHandler);
  }

  @Override
  public void close() {
    negotiator.close();
  }
}
