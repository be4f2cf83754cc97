package dev.ferry.security.tls;

import dev.ferry.security.Identity;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A throwaway cluster CA in a directory, issuing files the way `migrate certs` does. */
final class TestPki {
  final Path dir;
  final CertificateAuthority ca;

  TestPki(Path dir) {
    this.dir = dir;
    Instant now = Instant.now();
    this.ca = CertificateAuthority.create(dir, "test-cluster", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
  }

  TlsFiles issue(Identity id, String base) {
    Instant now = Instant.now();
    return issue(ca, id, base, now.minusSeconds(60), now.plus(Duration.ofHours(1)));
  }

  TlsFiles issue(CertificateAuthority by, Identity id, String base, Instant from, Instant until) {
    by.issue(new LeafRequest(id, List.of("localhost"), List.of("127.0.0.1"), from, until))
        .writeTo(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
    return TlsFiles.inDirectory(dir, base);
  }
}
