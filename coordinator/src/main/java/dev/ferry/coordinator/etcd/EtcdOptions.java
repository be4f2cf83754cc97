package dev.ferry.coordinator.etcd;

import dev.ferry.security.tls.ClientTls;
import dev.ferry.security.tls.TlsFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The coordinator's etcd flags: where etcd is, and the files of mutual TLS to it. For https://
 * endpoints the client certificate defaults to the coordinator's own (--tls-cert/--tls-key: it
 * carries extendedKeyUsage clientAuth, which etcd's --client-cert-auth requires) and the CA to
 * the cluster CA (--tls-ca), so one `ferry certs` CA covers etcd too.
 */
public final class EtcdOptions {
  @Option(names = "--etcd", split = ",", description = "etcd endpoints (https://host:port,... with mutual TLS, or "
      + "http://host:port,... plaintext); none: start a local etcd")
  List<String> endpoints = new ArrayList<>();

  @Option(names = "--etcd-cert", paramLabel = "FILE", description = "Client certificate (PEM) presented to https:// etcd "
      + "endpoints; unset: the coordinator's own tls-cert. Reloaded when it changes.")
  Path certificate;

  @Option(names = "--etcd-key", paramLabel = "FILE", description = "Its private key (PEM); unset: tls-key.")
  Path key;

  @Option(names = "--etcd-ca", paramLabel = "FILE", description = "CA certificate(s) (PEM) etcd's server certificate "
      + "must chain to; unset: tls-ca, the cluster CA. Reloaded when it changes.")
  Path ca;

  public EtcdOptions() {}

  public List<String> endpoints() {
    return List.copyOf(endpoints);
  }

  /**
   * The connection to the configured endpoints; {@code own} is the coordinator's TLS files (empty
   * with --insecure), the defaults for https://.
   *
   * @throws IllegalArgumentException with the flag to fix when the settings contradict each other
   */
  public EtcdConnection connection(Optional<TlsFiles> own) {
    boolean https = endpoints.stream().anyMatch(e -> e.startsWith("https://"));
    boolean explicit = certificate != null || key != null || ca != null;
    if (!https) {
      if (explicit) {
        throw new IllegalArgumentException("--etcd-cert/--etcd-key/--etcd-ca are set but the etcd endpoints " + endpoints
            + " are not https://");
      }
      return new EtcdConnection(endpoints, Optional.empty());
    }
    Path cert = certificate != null ? certificate : own.map(TlsFiles::certificate).orElse(null);
    Path k = key != null ? key : own.map(TlsFiles::key).orElse(null);
    Path c = ca != null ? ca : own.map(TlsFiles::ca).orElse(null);
    if (cert == null || k == null || c == null) {
      throw new IllegalArgumentException("the etcd endpoints " + endpoints + " are https:// and need a client certificate: "
          + "give --etcd-cert, --etcd-key and --etcd-ca (or --tls-cert, --tls-key and --tls-ca, their defaults)");
    }
    return new EtcdConnection(endpoints, Optional.of(new ClientTls(new TlsFiles(cert, k, c))));
  }

  /** Flags for a child process or a test: these endpoints with these files. */
  public static List<String> args(String endpoint, TlsFiles files) {
    return List.of("--etcd", endpoint, "--etcd-cert", files.certificate().toString(), "--etcd-key", files.key().toString(),
        "--etcd-ca", files.ca().toString());
  }
}
