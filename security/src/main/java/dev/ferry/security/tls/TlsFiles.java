package dev.ferry.security.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The three PEM files a Ferry process presents and trusts: its certificate, its key, and the cluster CA. */
public record TlsFiles(Path certificate, Path key, Path ca) {
  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
    for (Path p : new Path[] {certificate, key, ca}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("cannot read " + p + " (TLS files: --tls-cert, --tls-key, --tls-ca)");
      }
    }
  }

  /** The files `ferry certs` writes into a directory for one identity: NAME.crt, NAME.key and ca.crt. */
  public static TlsFiles inDirectory(Path dir, String baseName) {
    return new TlsFiles(dir.resolve(baseName + ".crt"), dir.resolve(baseName + ".key"), dir.resolve("ca.crt"));
  }
}
