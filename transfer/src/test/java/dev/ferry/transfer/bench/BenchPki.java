package dev.ferry.transfer.bench;

import dev.ferry.security.Identity;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A throwaway cluster CA for one benchmark run, issuing the two agents' certificates the way
 * `migrate certs` does: the receiver is node "t" (serving on loopback and the link address),
 * the sender node "src", the source node the transfer names, so the authorization table admits it.
 */
public final class BenchPki {
  public static final String RECEIVER = "receiver";
  public static final String SENDER = "sender";

  public static Path create(Path dir, List<String> receiverAddresses) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir);
    Instant now = Instant.now();
    Instant until = now.plus(Duration.ofDays(1));
    CertificateAuthority ca = CertificateAuthority.create(dir, "bench-cluster", now.minusSeconds(60), until);
    ca.issue(new LeafRequest(Identity.node("t"), List.of("localhost"), receiverAddresses, now.minusSeconds(60), until))
        .writeTo(dir.resolve(RECEIVER + ".crt"), dir.resolve(RECEIVER + ".key"));
    ca.issue(new LeafRequest(Identity.node("src"), List.of("localhost"), List.of("127.0.0.1"), now.minusSeconds(60), until))
        .writeTo(dir.resolve(SENDER + ".crt"), dir.resolve(SENDER + ".key"));
    return dir;
  }

  public static TlsFiles files(Path dir, String who) {
    return TlsFiles.inDirectory(dir, who);
  }

  private BenchPki() {}
}
