package dev.ferry.security.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.security.Identity;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerAuthenticationTest {
  private final Instant now = Instant.now();
  private final CertificateAuthority ca = CertificateAuthority.generate("t", now.minusSeconds(60), now.plusSeconds(3600));

  @Test
  void theIdentityIsTheFerryUriSan() {
    var leaf = ca.issue(new LeafRequest(Identity.viewer("bob"), List.of("h"), List.of("127.0.0.1"), now, now.plusSeconds(60)));
    assertThat(PeerAuthentication.identityOf(leaf.certificate())).contains(Identity.viewer("bob"));
  }

  @Test
  void aCertificateWithoutOneHasNoIdentity() {
    assertThat(PeerAuthentication.identityOf(ca.certificate())).isEmpty();
  }
}
