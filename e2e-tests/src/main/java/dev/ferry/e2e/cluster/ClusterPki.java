package dev.ferry.e2e.cluster;

import dev.ferry.security.Identity;
import dev.ferry.security.Transport;
import dev.ferry.security.TransportOptions;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The cluster's own CA in its state directory (as `migrate certs` would make it), and one
 * certificate per member, issued once: every process of a local cluster talks mutual TLS.
 */
public final class ClusterPki {
  private final Path dir;
  private final CertificateAuthority ca;

  private ClusterPki(Path dir, CertificateAuthority ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /**
   * No CA at all: every member runs {@code --insecure}. Only for a cluster that measures something
   * else (the stock-kernel lane measures pre-copy and post-copy under emulation, where TLS in
   * emulated software would dominate every number); the suite's clusters keep mutual TLS.
   */
  public static ClusterPki plaintext(Path dir) {
    return new ClusterPki(dir, null);
  }

  public boolean isPlaintext() {
    return ca == null;
  }

  /** The CA in {@code dir}, created on first use. */
  public static synchronized ClusterPki at(Path dir) {
    Instant now = Instant.now();
    CertificateAuthority ca = Files.exists(dir.resolve(CertificateAuthority.KEY_FILE))
        ? CertificateAuthority.load(dir)
        : CertificateAuthority.create(dir, "Ferry local cluster CA", now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)));
    return new ClusterPki(dir, ca);
  }

  /** The files of {@code id}, serving on {@code ips} (and 127.0.0.1, localhost); issued on first use. */
  public TlsFiles files(Identity id, String... ips) {
    return files(id, List.of(), List.of(ips));
  }

  /** The files of {@code id}, serving on host names {@code dns} and addresses {@code ips} (and localhost, 127.0.0.1); issued on first use. */
  public synchronized TlsFiles files(Identity id, List<String> dns, List<String> ips) {
    if (isPlaintext()) {
      throw new IllegalStateException("a plaintext cluster has no certificates (" + id + ")");
    }
    String base = id.toString().replace('/', '-');
    if (!Files.exists(dir.resolve(base + ".crt"))) {
      Instant now = Instant.now();
      List<String> addresses = new java.util.ArrayList<>(ips);
      addresses.add("127.0.0.1");
      List<String> names = new java.util.ArrayList<>(dns);
      names.add("localhost");
      ca.issue(new LeafRequest(id, names, addresses, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30))))
          .writeTo(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
    }
    return TlsFiles.inDirectory(dir, base);
  }

  /** Command-line flags for a process holding {@code id}. */
  public List<String> args(Identity id, String... ips) {
    return isPlaintext() ? List.of("--insecure") : TransportOptions.args(files(id, ips));
  }

  /** A client transport as {@code id}. */
  public Transport transport(Identity id) {
    return isPlaintext() ? Transport.insecure() : Transport.tls(files(id));
  }

  public Path dir() {
    return dir;
  }
}
