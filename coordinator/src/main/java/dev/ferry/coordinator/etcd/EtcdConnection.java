package dev.ferry.coordinator.etcd;

import dev.ferry.security.tls.ClientTls;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.ClientInterceptor;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Where the coordinator's etcd is and how it talks to it: {@code https://} endpoints with a client
 * certificate (mutual TLS), or {@code http://} plaintext. One scheme for all endpoints; TLS
 * exactly when the scheme says so, so a half-configured connection stops the start with a reason.
 */
public record EtcdConnection(List<String> endpoints, Optional<ClientTls> tls) {
  public EtcdConnection {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no etcd endpoint");
    }
    List<String> schemes = endpoints.stream().map(EtcdConnection::scheme).distinct().toList();
    if (schemes.size() > 1) {
      throw new IllegalArgumentException("etcd endpoints " + endpoints + " mix http:// and https://; use one");
    }
    boolean https = schemes.getFirst().equals("https");
    if (https && tls.isEmpty()) {
      throw new IllegalArgumentException("etcd endpoints " + endpoints + " are https:// but no client certificate is "
          + "configured: give --etcd-cert, --etcd-key and --etcd-ca (or the --tls-* files)");
    }
    if (!https && tls.isPresent()) {
      throw new IllegalArgumentException("--etcd-cert/--etcd-key/--etcd-ca are set but the etcd endpoints " + endpoints
          + " are plaintext http://; use https:// endpoints");
    }
  }

  public static EtcdConnection plaintext(String... endpoints) {
    return new EtcdConnection(List.of(endpoints), Optional.empty());
  }

  public static EtcdConnection mutualTls(ClientTls tls, String... endpoints) {
    return new EtcdConnection(List.of(endpoints), Optional.of(tls));
  }

  /** A jetcd client over this connection (lazy: it dials on the first request; {@link EtcdProbe} checks first). */
  public Client client(ClientInterceptor... interceptors) {
    ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(String[]::new));
    for (ClientInterceptor i : interceptors) {
      builder.interceptor(i);
    }
    if (tls.isPresent()) {
      try {
        // JDK provider: the reloading key and trust managers are asked on every handshake, so a
        // rotated certificate or CA is used from the next connection jetcd opens.
        builder.sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
            .keyManager(tls.get().keyManager()).trustManager(tls.get().trustManager())
            .protocols(ClientTls.TLS_1_3).build());
      } catch (SSLException e) {
        throw new IllegalArgumentException("cannot set up TLS to etcd with " + tls.get().files() + ": " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  private static String scheme(String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("etcd endpoint '" + endpoint + "' is not a URL (http://host:port or https://host:port)");
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException("etcd endpoint '" + endpoint + "' must be http://host:port or https://host:port");
    }
    return uri.getScheme();
  }
}
