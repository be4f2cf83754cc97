package dev.ferry.cli;

import dev.ferry.proto.v1.AuditEntry;
import dev.ferry.proto.v1.ListAuditResponse;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code migrate audit}: the coordinator's audit trail, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "List audited calls (who, what, when, outcome), newest first: every mutating call and every refusal.")
final class AuditCommand extends CoordinatorSubcommand {
  @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N entries (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  int run(CoordinatorClient client) {
    List<AuditEntry> entries = client.audit(limit);
    if (json()) {
      JsonOutput.print(out(), ListAuditResponse.newBuilder().addAllEntries(entries).build());
      return ExitCodes.OK;
    }
    List<List<String>> rows = entries.stream().map(e -> List.of(
        Instant.ofEpochSecond(e.getTime().getSeconds(), e.getTime().getNanos()).toString(),
        e.getIdentity(),
        e.getRpc().replace("ferry.v1.", ""),
        e.getContainerId().isEmpty() ? "-" : e.getContainerId(),
        e.getNodesList().isEmpty() ? "-" : String.join(",", e.getNodesList()),
        e.getOutcome())).toList();
    return print(Render.table(List.of("time", "identity", "rpc", "container", "nodes", "outcome"), rows));
  }
}
