package dev.ferry.cli;

import dev.ferry.security.Identity;
import dev.ferry.security.certs.CertificateAuthority;
import dev.ferry.security.certs.LeafRequest;
import dev.ferry.security.certs.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code migrate certs issue --dir DIR node/nodeA --ip 198.18.0.11}: one member's certificate and key. */
@Command(name = "issue", mixinStandardHelpOptions = true,
    description = {"Issue a certificate for IDENTITY (node/NAME, coordinator, operator/NAME, viewer/NAME, etcd/NAME), signed by the CA in --dir.",
      "Writes OUT/BASE.crt and OUT/BASE.key (BASE: node-NAME, coordinator, operator-NAME, viewer-NAME, etcd-NAME) and OUT/ca.crt.",
      "Every certificate is good for TLS servers and clients (extendedKeyUsage serverAuth and clientAuth): etcd/NAME is",
      "an etcd member's --cert-file (give its --dns/--ip), and the coordinator's certificate is its etcd client certificate."},
    footer = {"%nExamples:", "  migrate certs issue --dir ca node/nodeA --ip 198.18.0.11 --dns nodeA",
      "  migrate certs issue --dir ca operator/alice",
      "  migrate certs issue --dir ca etcd/etcd-1 --dns etcd-1 --ip 198.18.0.5   # etcd --client-cert-auth --trusted-ca-file ca.crt"})
final class CertsIssueCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CA's directory (from `certs ca`).")
  Path dir;

  @Option(names = "--out", paramLabel = "DIR", description = "Where to write the certificate and key (default: --dir).")
  Path out;

  @Option(names = "--ip", paramLabel = "ADDRESS", description = "An IP address the holder serves on (repeatable).")
  List<String> ips = new ArrayList<>();

  @Option(names = "--dns", paramLabel = "NAME", description = "A host name the holder serves on (repeatable).")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = "--validity", defaultValue = "8760h", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "How long the certificate is valid (default: ${DEFAULT-VALUE}).")
  Duration validity;

  @Parameters(index = "0", paramLabel = "IDENTITY", description = "node/NAME, coordinator, operator/NAME, viewer/NAME or etcd/NAME.")
  String identity;

  @Override
  public Integer call() {
    Identity id;
    LeafRequest request;
    Instant now = Instant.now();
    try {
      id = Identity.parse(identity);
      request = new LeafRequest(id, dnsNames, ips, now.minus(Duration.ofMinutes(5)), now.plus(validity));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path target = out != null ? out : dir;
    String base = id.toString().replace('/', '-');
    CertificateAuthority ca = CertificateAuthority.load(dir);
    ca.issue(request).writeTo(target.resolve(base + ".crt"), target.resolve(base + ".key"));
    if (!Files.exists(target.resolve(CertificateAuthority.CERT_FILE))) {
      Pem.writeCertificates(target.resolve(CertificateAuthority.CERT_FILE), List.of(ca.certificate()));
    }
    spec.commandLine().getOut().println("issued " + id.uri() + " -> " + target.resolve(base + ".crt") + ", "
        + target.resolve(base + ".key"));
    return ExitCodes.OK;
  }
}
