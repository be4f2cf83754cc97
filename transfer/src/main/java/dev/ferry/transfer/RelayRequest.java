package dev.ferry.transfer;

import java.util.Objects;

/**
 * A page relay from a local port on the source to a CRIU page server (or lazy-pages daemon)
 * on the target agent's host.
 *
 * @param targetPort the page server's port on the target host, as the target agent announced it
 * @param compression zstd level for the bytes on the wire, or null to send them raw (zero runs still travel as lengths)
 */
public record RelayRequest(String migrationId, String token, String sourceNode, int targetPort, Integer compression) {
  public RelayRequest {
    Objects.requireNonNull(migrationId, "migrationId");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(sourceNode, "sourceNode");
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("targetPort must be a TCP port, was " + targetPort);
    }
  }
}
