package dev.ferry.security.tls;

import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * Which TLS engine a process uses. BoringSSL (netty-tcnative, bundled in grpc-netty-shaded)
 * encrypts with AES-NI/AVX at a fraction of the JDK provider's CPU cost, so it is preferred
 * wherever its native library loads; the JDK provider is the fallback everywhere else.
 * {@code -Dferry.tls.provider=jdk|openssl} forces one (benchmarks measure both).
 */
public final class TlsProviders {
  public static final String PROPERTY = "ferry.tls.provider";

  /** The forced provider if the property names one, else OpenSSL when available, else the JDK's. */
  public static SslProvider preferred() {
    String forced = System.getProperty(PROPERTY, "").strip().toLowerCase(Locale.ROOT);
    return switch (forced) {
      case "" -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
      case "jdk" -> SslProvider.JDK;
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException("-D" + PROPERTY + "=openssl but netty-tcnative cannot load: " + OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be jdk or openssl, was '" + forced + "'");
    };
  }

  private TlsProviders() {}
}
