package dev.ferry.transfer;

/**
 * Decides whether a peer may relay CRIU page-server traffic to a local port. Only ports the agent
 * itself opened for that migration (its page server, its lazy-pages daemon) may be named: any
 * other port would let a peer reach arbitrary services on this host.
 */
@FunctionalInterface
public interface RelayAdmission {

  /** @throws TransferException PERMISSION_DENIED unless the port belongs to this migration */
  void admitRelay(String migrationId, String token, String sourceNode, int targetPort);

  /** Refuses every relay (an agent that runs no page server). */
  static RelayAdmission none() {
    return (migration, token, source, port) -> {
      throw TransferException.denied("no page relay is announced on this agent (migration " + migration + ", port " + port + ")");
    };
  }
}
