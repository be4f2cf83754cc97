package dev.ferry.security.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * The TLS 1.3 contexts of one process, server and client, sharing one reloading key manager
 * and one reloading CA: a rotated certificate or CA is used from the next handshake on.
 */
public final class TlsContexts {
  private static final String TLS_1_3 = "TLSv1.3";

  private final ReloadingKeyManager keys;
  private final ClusterCa ca;
  private final SslContext server;
  private final SslContext client;
  private final SslProvider provider;

  public TlsContexts(TlsFiles files) {
    this(files, TlsProviders.preferred());
  }

  public TlsContexts(TlsFiles files, SslProvider provider) {
    this.provider = provider;
    this.keys = new ReloadingKeyManager(files.certificate(), files.key());
    this.ca = new ClusterCa(files.ca());
    try {
      // The client certificate is asked for but judged by the authorization interceptor, so a
      // bad one gets UNAUTHENTICATED with a reason rather than a reset connection.
      this.server = GrpcSslContexts.configure(SslContextBuilder.forServer(keys), provider)
          .trustManager(new ServerTrust(ca)).clientAuth(ClientAuth.OPTIONAL).protocols(TLS_1_3).build();
      this.client = GrpcSslContexts.configure(SslContextBuilder.forClient(), provider)
          .keyManager(keys).trustManager(new ClientTrust(ca)).protocols(TLS_1_3).build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot set up TLS from " + files + ": " + e.getMessage(), e);
    }
  }

  public SslContext server() {
    return server;
  }

  public SslContext client() {
    return client;
  }

  /** The TLS engine in use (OPENSSL is BoringSSL via netty-tcnative). */
  public SslProvider provider() {
    return provider;
  }

  public ClusterCa ca() {
    return ca;
  }

  public ReloadingKeyManager keys() {
    return keys;
  }
}
