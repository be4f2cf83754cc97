package dev.ferry.security;

import dev.ferry.security.tls.TlsFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The transport flags every Ferry command shares: --tls-cert, --tls-key, --tls-ca, or --insecure. */
public final class TransportOptions {
  @Option(names = "--tls-cert", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "${env:FERRY_TLS_CERT}",
      description = "This process's certificate (PEM), issued by `migrate certs issue` (default: $FERRY_TLS_CERT). Reloaded when it changes.")
  Path certificate;

  @Option(names = "--tls-key", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "${env:FERRY_TLS_KEY}",
      description = "Its private key (PEM) (default: $FERRY_TLS_KEY).")
  Path key;

  @Option(names = "--tls-ca", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "${env:FERRY_TLS_CA}",
      description = "The cluster CA certificate(s) to trust (PEM) (default: $FERRY_TLS_CA).")
  Path ca;

  @Option(names = "--insecure", scope = ScopeType.INHERIT, description = "Plaintext gRPC, no authentication (development only; warns on every connection).")
  boolean insecure;

  public TransportOptions() {}

  /** The transport these flags ask for; a precise message when they are incomplete or contradictory. */
  public Transport transport() {
    boolean anyTls = certificate != null || key != null || ca != null;
    if (insecure && anyTls) {
      throw new IllegalArgumentException("--insecure contradicts --tls-cert/--tls-key/--tls-ca: choose one");
    }
    if (insecure) {
      return Transport.insecure();
    }
    if (certificate == null || key == null || ca == null) {
      throw new IllegalArgumentException("mutual TLS needs --tls-cert, --tls-key and --tls-ca (create them with `migrate certs`), "
          + "or run plaintext with --insecure");
    }
    return Transport.tls(new TlsFiles(certificate, key, ca));
  }

  /** The TLS files these flags name, when all three are given (empty with --insecure or before they are complete). */
  public java.util.Optional<TlsFiles> files() {
    return insecure || certificate == null || key == null || ca == null ? java.util.Optional.empty()
        : java.util.Optional.of(new TlsFiles(certificate, key, ca));
  }

  /** Flags for a child process or a test: TLS with these files. */
  public static java.util.List<String> args(TlsFiles files) {
    return java.util.List.of("--tls-cert", files.certificate().toString(), "--tls-key", files.key().toString(),
        "--tls-ca", files.ca().toString());
  }
}
