package dev.ferry.cli;

import dev.ferry.security.certs.CertificateAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code migrate certs ca --dir DIR}: a new cluster CA (ca.crt, ca.key) in DIR. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Create the cluster CA: DIR/ca.crt and DIR/ca.key (owner-only).")
final class CertsCaCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the CA lives.")
  Path dir;

  @Option(names = "--name", defaultValue = "Ferry cluster CA", description = "The CA's common name (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--validity", defaultValue = "87600h", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "How long the CA is valid (default: ${DEFAULT-VALUE}).")
  Duration validity;

  @Override
  public Integer call() {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create(dir, name, now.minus(Duration.ofMinutes(5)), now.plus(validity));
    spec.commandLine().getOut().println("created CA '" + ca.certificate().getSubjectX500Principal().getName() + "' in " + dir.toAbsolutePath()
        + " (valid until " + ca.certificate().getNotAfter().toInstant() + ")");
    return ExitCodes.OK;
  }
}
