package dev.ferry.coordinator.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.CoordinatorMain;
import dev.ferry.coordinator.testkit.Timing;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.security.Identity;
import dev.ferry.security.TransportOptions;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.tls.ClientTls;
import dev.ferry.security.tls.TlsFiles;
import io.etcd.jetcd.Client;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The coordinator's etcd over mutual TLS, against real etcd processes: one serving https with
 * --client-cert-auth (certificates from the cluster CA, as `ferry certs` makes them), one plaintext.
 */
class EtcdMutualTlsIT {
  private static Path dir;
  private static CertificateAuthority ca;
  private static TlsFiles coordinator;
  private static TlsFiles foreign;
  private static EmbeddedEtcd tlsEtcd;
  private static EmbeddedEtcd plainEtcd;

  @BeforeAll
  static void startEtcds() throws Exception {
    dir = Files.createTempDirectory("ferry-etcd-tls-");
    Path pki = dir.resolve("pki");
    Instant now = Instant.now();
    ca = CertificateAuthority.create(pki, "test", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    coordinator = issue(ca, pki, Identity.coordinator());
    TlsFiles etcdServer = issue(ca, pki, Identity.etcd("local"));
    // Same identity, same file layout, but signed by a CA nobody here trusts.
    Path other = Files.createDirectories(dir.resolve("other"));
    CertificateAuthority stranger = CertificateAuthority.create(other, "stranger", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    TlsFiles strangerCoordinator = issue(stranger, other, Identity.coordinator());
    foreign = new TlsFiles(strangerCoordinator.certificate(), strangerCoordinator.key(), pki.resolve("ca.crt"));
    tlsEtcd = EmbeddedEtcd.start(new SystemProcessRunner(), dir.resolve("tls-etcd"), Timing.seconds(30),
        new EtcdServerTls(etcdServer, new ClientTls(coordinator)));
    plainEtcd = EmbeddedEtcd.start(new SystemProcessRunner(), dir.resolve("plain-etcd"), Timing.seconds(30));
  }

  @AfterAll
  static void stopEtcds() {
    if (tlsEtcd != null) {
      tlsEtcd.close();
    }
    if (plainEtcd != null) {
      plainEtcd.close();
    }
  }

  @Test
  void theCoordinatorWithItsOwnCertificateUsesAnEtcdThatDemandsClientCertificates() {
    assertThat(tlsEtcd.endpoint()).startsWith("https://127.0.0.1:");
    // No --etcd-* flags: the coordinator's certificate and the cluster CA are the defaults for https://.
    CoordinatorMain main = coordinatorMain(List.of("--etcd", tlsEtcd.endpoint()), coordinator);
    try (CoordinatorMain.Running running = main.start()) {
      await().atMost(Timing.seconds(15)).until(() -> running.runtime().leadership().isLeader());
      var put = running.client().getKVClient().put(Etcd.bytes("/ferry/v1/tls-probe"), Etcd.bytes("yes"));
      Etcd.await("put over mutual TLS", put);
      var got = Etcd.await("get over mutual TLS", running.client().getKVClient().get(Etcd.bytes("/ferry/v1/tls-probe")));
      assertThat(Etcd.text(got.getKvs().getFirst().getValue())).isEqualTo("yes");
    }
  }

  @Test
  void aRotatedClientCertificateIsWhatTheNextConnectionPresents() throws Exception {
    // The coordinator's files in a directory of their own, rotated in place below.
    Path mine = Files.createDirectories(dir.resolve("rotating"));
    Files.copy(coordinator.certificate(), mine.resolve("coordinator.crt"));
    Files.copy(coordinator.key(), mine.resolve("coordinator.key"));
    Files.copy(coordinator.ca(), mine.resolve("ca.crt"));
    TlsFiles rotating = TlsFiles.inDirectory(mine, "coordinator");
    EtcdConnection connection = EtcdConnection.mutualTls(new ClientTls(rotating), tlsEtcd.endpoint());
    try (Client client = connection.client()) {
      Etcd.await("before rotation", client.getKVClient().get(Etcd.bytes("/ferry/v1/x")));
      // Rotated to a certificate etcd does not accept: the next handshake presents it (the files are looked at
      // no more than once a second), through the same key manager jetcd's connections use.
      replace(rotating, foreign);
      Thread.sleep(1100);
      assertThatThrownBy(() -> EtcdProbe.check(connection, Timing.seconds(5))).isInstanceOf(EtcdTlsException.class)
          .hasMessageContaining("bad_certificate");
      // Back to a good one, and etcd restarted under the client: it reconnects with the reloaded certificate.
      replace(rotating, coordinator);
      Thread.sleep(1100);
      assertThat(EtcdProbe.check(connection, Timing.seconds(5))).singleElement().isInstanceOf(EtcdProbe.Result.Healthy.class);
      tlsEtcd = tlsEtcd.restart(new SystemProcessRunner(), Timing.seconds(30));
      await().atMost(Timing.seconds(30)).ignoreExceptions().untilAsserted(() ->
          Etcd.await("after the restart", client.getKVClient().get(Etcd.bytes("/ferry/v1/x"))));
    }
  }

  private static void replace(TlsFiles target, TlsFiles with) throws java.io.IOException {
    Files.copy(with.certificate(), target.certificate(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(with.key(), target.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void explicitEtcdFlagsWork() {
    List<String> args = new ArrayList<>(EtcdOptions.args(tlsEtcd.endpoint(), coordinator));
    CoordinatorMain main = coordinatorMain(args, coordinator);
    try (CoordinatorMain.Running running = main.start()) {
      await().atMost(Timing.seconds(15)).until(() -> running.runtime().leadership().isLeader());
    }
  }

  @Test
  void aClientCertificateOfAnotherCaIsRefusedByEtcdAndTheStartFailsNamingTheEndpointAndTheReason() {
    List<String> args = List.of("--etcd", tlsEtcd.endpoint(), "--etcd-cert", foreign.certificate().toString(),
        "--etcd-key", foreign.key().toString(), "--etcd-ca", foreign.ca().toString());
    CoordinatorMain main = coordinatorMain(args, coordinator);
    assertThatThrownBy(main::start).isInstanceOf(EtcdTlsException.class)
        .hasMessageStartingWith("etcd at " + tlsEtcd.endpoint() + ": etcd refused this coordinator's client certificate "
            + foreign.certificate())
        .hasMessageContaining("bad_certificate");
  }

  @Test
  void withoutAClientCertificateEtcdRefusesTheConnection() throws Exception {
    ClientTls trustOnly = new ClientTls(coordinator);
    var sslContext = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .trustManager(trustOnly.trustManager()).protocols(ClientTls.TLS_1_3).build();
    try (Client client = Client.builder().endpoints(tlsEtcd.endpoint()).sslContext(sslContext)
        .waitForReady(false).retryMaxDuration(Duration.ofSeconds(2)).build()) {
      assertThatThrownBy(() -> client.getKVClient().get(Etcd.bytes("/ferry/v1/x")).get(Timing.seconds(20).toMillis(),
          TimeUnit.MILLISECONDS))
          .hasStackTraceContaining("UNAVAILABLE").hasStackTraceContaining("Received fatal alert: bad_certificate");
    }
  }

  @Test
  void plaintextToTheTlsEtcdIsAClearError() {
    String plain = tlsEtcd.endpoint().replace("https://", "http://");
    CoordinatorMain main = coordinatorMain(List.of("--etcd", plain), coordinator);
    assertThatThrownBy(main::start).isInstanceOf(EtcdTlsException.class)
        .hasMessage("etcd at " + plain + ": it serves TLS but the endpoint is plaintext http://: use "
            + tlsEtcd.endpoint() + " with --etcd-cert, --etcd-key and --etcd-ca");
  }

  @Test
  void tlsToAPlaintextEtcdIsAClearError() {
    String https = plainEtcd.endpoint().replace("http://", "https://");
    CoordinatorMain main = coordinatorMain(List.of("--etcd", https), coordinator);
    assertThatThrownBy(main::start).isInstanceOf(EtcdTlsException.class)
        .hasMessageStartingWith("etcd at " + https + ": it does not speak TLS (a plaintext etcd?): use http:// for it");
  }

  @Test
  void anEtcdWhoseServerCertificateTheEtcdCaDidNotSignIsRefused() throws Exception {
    // The coordinator trusts only the stranger CA for etcd: the real etcd's certificate does not chain to it.
    Path strangerCa = dir.resolve("other").resolve("ca.crt");
    List<String> args = List.of("--etcd", tlsEtcd.endpoint(), "--etcd-ca", strangerCa.toString());
    CoordinatorMain main = coordinatorMain(args, coordinator);
    assertThatThrownBy(main::start).isInstanceOf(EtcdTlsException.class)
        .hasMessageStartingWith("etcd at " + tlsEtcd.endpoint() + ": its server certificate is not signed by the etcd CA "
            + strangerCa);
  }

  @Test
  void etcdFlagsWithPlaintextEndpointsAreRefusedBeforeAnythingStarts() {
    CoordinatorMain main = coordinatorMain(List.of("--etcd", plainEtcd.endpoint(), "--etcd-ca",
        coordinator.ca().toString()), coordinator);
    assertThatThrownBy(main::start).isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--etcd-cert/--etcd-key/--etcd-ca are set but the etcd endpoints")
        .hasMessageContaining("are not https://");
  }

  private static CoordinatorMain coordinatorMain(List<String> etcdArgs, TlsFiles own) {
    CoordinatorMain main = new CoordinatorMain();
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--data-dir", dir.toString()));
    args.addAll(etcdArgs);
    args.addAll(TransportOptions.args(own));
    new CommandLine(main).parseArgs(args.toArray(String[]::new));
    return main;
  }

  private static TlsFiles issue(CertificateAuthority ca, Path dir, Identity id) {
    Instant now = Instant.now();
    String base = id.toString().replace('/', '-');
    ca.issue(new LeafRequest(id, List.of("localhost"), List.of("127.0.0.1"), now.minusSeconds(60), now.plus(Duration.ofHours(1))))
        .writeTo(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
    return TlsFiles.inDirectory(dir, base);
  }
}
