package dev.ferry.coordinator.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.security.Identity;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Which etcd connection the flags make, and the sentence when they contradict each other. */
class EtcdOptionsTest {
  @TempDir Path dir;
  private TlsFiles own;

  @BeforeEach
  void issue() {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create(dir, "t", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    ca.issue(new LeafRequest(Identity.coordinator(), List.of(), List.of("127.0.0.1"), now.minusSeconds(60), now.plus(Duration.ofHours(1))))
        .writeTo(dir.resolve("coordinator.crt"), dir.resolve("coordinator.key"));
    own = TlsFiles.inDirectory(dir, "coordinator");
  }

  private static EtcdOptions parse(String... args) {
    EtcdOptions options = new EtcdOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void httpsEndpointsUseTheCoordinatorsOwnFilesByDefault() {
    EtcdConnection c = parse("--etcd", "https://etcd-1:2379,https://etcd-2:2379").connection(Optional.of(own));
    assertThat(c.tls()).hasValueSatisfying(t -> assertThat(t.files()).isEqualTo(own));
    assertThat(c.endpoints()).containsExactly("https://etcd-1:2379", "https://etcd-2:2379");
  }

  @Test
  void explicitFilesWinOverTheDefaults() {
    EtcdConnection c = parse("--etcd", "https://etcd-1:2379", "--etcd-ca", dir.resolve("ca.crt").toString(),
        "--etcd-cert", own.certificate().toString(), "--etcd-key", own.key().toString()).connection(Optional.empty());
    assertThat(c.tls()).hasValueSatisfying(t -> assertThat(t.files().ca()).isEqualTo(dir.resolve("ca.crt")));
  }

  @Test
  void httpEndpointsArePlaintext() {
    assertThat(parse("--etcd", "http://127.0.0.1:2379").connection(Optional.of(own)).tls()).isEmpty();
  }

  @Test
  void contradictionsAreNamed() {
    assertThatThrownBy(() -> parse("--etcd", "https://etcd-1:2379").connection(Optional.empty()))
        .hasMessage("the etcd endpoints [https://etcd-1:2379] are https:// and need a client certificate: give --etcd-cert, "
            + "--etcd-key and --etcd-ca (or --tls-cert, --tls-key and --tls-ca, their defaults)");
    assertThatThrownBy(() -> parse("--etcd", "http://etcd-1:2379", "--etcd-ca", "/x").connection(Optional.of(own)))
        .hasMessage("--etcd-cert/--etcd-key/--etcd-ca are set but the etcd endpoints [http://etcd-1:2379] are not https://");
    assertThatThrownBy(() -> parse("--etcd", "https://etcd-1:2379,http://etcd-2:2379").connection(Optional.of(own)))
        .hasMessage("etcd endpoints [https://etcd-1:2379, http://etcd-2:2379] mix http:// and https://; use one");
    assertThatThrownBy(() -> parse("--etcd", "etcd-1:2379").connection(Optional.of(own)))
        .hasMessage("etcd endpoint 'etcd-1:2379' must be http://host:port or https://host:port");
  }
}
