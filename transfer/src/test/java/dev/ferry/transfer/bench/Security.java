package dev.ferry.transfer.bench;

import dev.ferry.security.ReadCumulation;
import dev.ferry.security.Transport;
import dev.ferry.security.audit.LogAuditSink;
import dev.ferry.security.tls.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a benchmark peer talks: plaintext, or the agents' mutual TLS 1.3 (with their authorization
 * gate and audit) on one of the two engines.
 */
public enum Security {
  PLAIN(null, "plaintext"),
  TLS_OPENSSL(SslProvider.OPENSSL, "mTLS BoringSSL"),
  TLS_JDK(SslProvider.JDK, "mTLS JDK");

  private final SslProvider provider;
  private final String label;

  Security(SslProvider provider, String label) {
    this.provider = provider;
    this.label = label;
  }

  public String label() {
    return label;
  }

  Server serve(NettyServerBuilder builder, Path pki) throws IOException {
    if (provider == null) {
      // The agents' servers compose large reads (Transport.secure); a plaintext peer here must as well.
      return builder.protocolNegotiator(ReadCumulation.plaintext()).build().start();
    }
    TlsFiles files = BenchPki.files(pki, BenchPki.RECEIVER);
    return Transport.tls(files, provider).secure(builder, new LogAuditSink(), "bench-receiver").build().start();
  }

  ManagedChannel channel(String host, int port, Path pki) {
    if (provider == null) {
      return NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
    }
    TlsFiles files = BenchPki.files(pki, BenchPki.SENDER);
    return Transport.tls(files, provider).channel(host + ":" + port).build();
  }
}
