package dev.ferry.security.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.security.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.now();

  @Test
  void issuesANodeCertificateWithItsIdentityNameAndAddressesSignedByTheCa(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(dir, "test", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
    IssuedCertificate leaf = ca.issue(new LeafRequest(Identity.node("nodeA"), List.of("nodeA.local"), List.of("198.18.0.11"),
        NOW.minusSeconds(60), NOW.plus(Duration.ofHours(1))));
    leaf.writeTo(dir.resolve("node-nodeA.crt"), dir.resolve("node-nodeA.key"));

    X509Certificate cert = Pem.readCertificates(dir.resolve("node-nodeA.crt")).getFirst();
    cert.verify(CertificateAuthority.load(dir).certificate().getPublicKey());
    assertThat(cert.getSubjectAlternativeNames()).extracting(n -> n.get(0) + "=" + n.get(1))
        .containsExactlyInAnyOrder("6=ferry://node/nodeA", "2=nodeA.local", "7=198.18.0.11");
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(Pem.readPrivateKey(dir.resolve("node-nodeA.key")).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void keysAreOwnerOnly(@TempDir Path dir) throws Exception {
    CertificateAuthority.create(dir, "test", NOW, NOW.plus(Duration.ofDays(1)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
  }

  @Test
  void refusesToReplaceAnExistingCa(@TempDir Path dir) {
    CertificateAuthority.create(dir, "test", NOW, NOW.plus(Duration.ofDays(1)));
    assertThatThrownBy(() -> CertificateAuthority.create(dir, "test", NOW, NOW.plus(Duration.ofDays(1))))
        .hasMessageContaining("a CA already exists");
  }

  @Test
  void identitiesRoundTripThroughTheirUri() {
    for (Identity id : List.of(Identity.node("nodeA"), Identity.coordinator(), Identity.operator("alice"), Identity.viewer("bob"))) {
      assertThat(Identity.fromUri(id.uri().toString())).contains(id);
      assertThat(Identity.parse(id.toString())).isEqualTo(id);
    }
    assertThat(Identity.fromUri("ferry://root/x")).isEmpty();
    assertThat(Identity.fromUri("ferry://node/../etc")).isEmpty();
    assertThat(Identity.fromUri("https://node/nodeA")).isEmpty();
    assertThatThrownBy(() -> Identity.parse("operator")).hasMessageContaining("expected node/NAME");
  }
}
