package dev.ferry.security;

import dev.ferry.security.audit.AuditInterceptor;
import dev.ferry.security.audit.AuditSink;
import dev.ferry.security.authz.AuthorizationInterceptor;
import dev.ferry.security.authz.DeadlineRequired;
import dev.ferry.security.authz.RequestLimits;
import dev.ferry.security.tls.TlsContexts;
import dev.ferry.security.tls.TlsFiles;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Ferry process talks gRPC: mutual TLS 1.3 with the cluster's certificates (the default),
 * or plaintext behind an explicit --insecure that warns at start and on every connection. The
 * one place servers get their TLS, their authorization gate and their audit together.
 */
public sealed interface Transport {

  static Transport tls(TlsFiles files) {
    return new Tls(new TlsContexts(files));
  }

  /** TLS with a chosen engine (benchmarks compare them; everything else takes {@link #tls(TlsFiles)}). */
  static Transport tls(TlsFiles files, SslProvider provider) {
    return new Tls(new TlsContexts(files, provider));
  }

  static Transport insecure() {
    return new Insecure();
  }

  /**
   * Serves with this transport: TLS, the authorization table and the audit of mutating calls, and
   * large reads kept where they landed ({@link ReadCumulation}).
   */
  NettyServerBuilder secure(NettyServerBuilder builder, AuditSink audit, String serverName);

  /** A channel builder to {@code target} (host:port) with this transport. */
  NettyChannelBuilder channel(String target);

  record Tls(TlsContexts contexts) implements Transport {
    @Override
    public NettyServerBuilder secure(NettyServerBuilder builder, AuditSink audit, String serverName) {
      // Interceptors run last-added first: the gate, then the audit (which sees the caller the gate found), then the limits.
      return builder.protocolNegotiator(ReadCumulation.tls(contexts.server()))
          .maxInboundMessageSize(RequestLimits.MAX_MESSAGE_BYTES)
          .intercept(new DeadlineRequired())
          .intercept(new RequestLimits())
          .intercept(new AuditInterceptor(audit, InstantSource.system(), serverName))
          .intercept(new AuthorizationInterceptor(contexts.ca(), audit, InstantSource.system(), serverName));
    }

    @Override
    public NettyChannelBuilder channel(String target) {
      return NettyChannelBuilder.forTarget(target).sslContext(contexts.client());
    }
  }

  record Insecure() implements Transport {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    @Override
    public NettyServerBuilder secure(NettyServerBuilder builder, AuditSink audit, String serverName) {
      log.warn("--insecure: {} serves plaintext gRPC with NO authentication or authorization; anyone who reaches the port "
          + "controls it (development only)", serverName);
      return builder.protocolNegotiator(ReadCumulation.plaintext())
          .maxInboundMessageSize(RequestLimits.MAX_MESSAGE_BYTES)
          .intercept(new DeadlineRequired())
          .intercept(new RequestLimits())
          .intercept(new AuditInterceptor(audit, InstantSource.system(), serverName))
          .addTransportFilter(new ServerTransportFilter() {
            @Override
            public Attributes transportReady(Attributes attributes) {
              log.warn("--insecure: plaintext, unauthenticated connection to {} from {}", serverName,
                  attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
              return attributes;
            }
          });
    }

    @Override
    public NettyChannelBuilder channel(String target) {
      log.warn("--insecure: plaintext, unauthenticated connection to {}", target);
      return NettyChannelBuilder.forTarget(target).usePlaintext();
    }
  }
}
