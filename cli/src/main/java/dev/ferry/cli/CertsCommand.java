package dev.ferry.cli;

import picocli.CommandLine.Command;

/** {@code migrate certs}: the cluster's certificate authority and the certificates of its members. */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Create the cluster CA and issue certificates for nodes, coordinators, operators and viewers.",
    subcommands = {CertsCaCommand.class, CertsIssueCommand.class})
final class CertsCommand {
}
