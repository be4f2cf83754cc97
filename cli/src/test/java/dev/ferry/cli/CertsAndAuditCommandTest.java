package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.ferry.proto.v1.AuditEntry;
import dev.ferry.security.certs.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsAndAuditCommandTest {
  private final CliHarness cli = new CliHarness();

  @AfterEach
  void close() {
    cli.close();
  }

  @Test
  void createsACaAndIssuesANodeCertificateWithItsIdentityAndAddress(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("ca");
    var created = cli.run("certs", "ca", "--dir", ca.toString());
    assertThat(created.exitCode()).as(created.err()).isZero();
    var issued = cli.run("certs", "issue", "--dir", ca.toString(), "--out", dir.resolve("nodeA").toString(),
        "node/nodeA", "--ip", "198.18.0.11", "--dns", "nodeA");

    assertThat(issued.exitCode()).isZero();
    assertThat(issued.out()).contains("issued ferry://node/nodeA");
    X509Certificate cert = Pem.readCertificates(dir.resolve("nodeA/node-nodeA.crt")).getFirst();
    assertThat(cert.getSubjectAlternativeNames()).extracting(n -> String.valueOf(n.get(1)))
        .containsExactlyInAnyOrder("ferry://node/nodeA", "198.18.0.11", "nodeA");
    cert.verify(Pem.readCertificates(ca.resolve("ca.crt")).getFirst().getPublicKey());
    assertThat(dir.resolve("nodeA/ca.crt")).exists();
    assertThat(Files.exists(dir.resolve("nodeA/node-nodeA.key"))).isTrue();
  }

  @Test
  void issuesWhatEtcdNeedsAServerCertificateNamingTheMembersAndUsableForClientAuth(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("ca");
    cli.run("certs", "ca", "--dir", ca.toString());
    var issued = cli.run("certs", "issue", "--dir", ca.toString(), "etcd/etcd-1", "--dns", "etcd-1", "--ip", "198.18.0.5");

    assertThat(issued.exitCode()).as(issued.err()).isZero();
    X509Certificate cert = Pem.readCertificates(ca.resolve("etcd-etcd-1.crt")).getFirst();
    assertThat(cert.getSubjectAlternativeNames()).extracting(n -> String.valueOf(n.get(1)))
        .containsExactlyInAnyOrder("ferry://etcd/etcd-1", "198.18.0.5", "etcd-1");
    // etcd's --client-cert-auth (Go's verifier) wants clientAuth on client certificates; the server one serves, too.
    String serverAuth = "1.3.6.1.5.5.7.3.1";
    String clientAuth = "1.3.6.1.5.5.7.3.2";
    assertThat(cert.getExtendedKeyUsage()).contains(serverAuth, clientAuth);
    issuesTheCoordinatorsEtcdClientCertificateToo(ca, clientAuth);
  }

  private void issuesTheCoordinatorsEtcdClientCertificateToo(Path ca, String clientAuth) throws Exception {
    var coordinator = cli.run("certs", "issue", "--dir", ca.toString(), "coordinator", "--ip", "198.18.0.1");
    assertThat(coordinator.exitCode()).as(coordinator.err()).isZero();
    assertThat(Pem.readCertificates(ca.resolve("coordinator.crt")).getFirst().getExtendedKeyUsage()).contains(clientAuth);
  }

  @Test
  void aBadIdentityIsAUsageError(@TempDir Path dir) {
    cli.run("certs", "ca", "--dir", dir.toString());
    var result = cli.run("certs", "issue", "--dir", dir.toString(), "root/alice");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("invalid identity 'root/alice'");
  }

  @Test
  void aSecondCaInTheSameDirectoryIsRefused(@TempDir Path dir) {
    cli.run("certs", "ca", "--dir", dir.toString());
    var again = cli.run("certs", "ca", "--dir", dir.toString());
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.err()).contains("a CA already exists");
  }

  @Test
  void tcpWithoutTlsFilesOrInsecureIsAUsageErrorNamingTheFlags() {
    var result = cli.run(false, ChannelFactory.network(), "--coordinator", "127.0.0.1:1", "nodes");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--tls-cert, --tls-key and --tls-ca", "--insecure");
  }

  @Test
  void auditListsEntriesAsATable() {
    cli.auditEntries.add(AuditEntry.newBuilder().setTime(Timestamp.newBuilder().setSeconds(1_700_000_000))
        .setIdentity("operator/alice").setRpc("ferry.v1.Coordinator/Migrate").setContainerId("ct42")
        .addNodes("nodeB").setOutcome("OK").build());
    var result = cli.run("audit");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("operator/alice", "Coordinator/Migrate", "ct42", "nodeB", "OK", "2023-11-14T22:13:20Z");
  }
}
