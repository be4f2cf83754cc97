package dev.ferry.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One directory tree to send to a peer agent.
 *
 * @param source      the local directory whose content is sent
 * @param destination the name of the directory on the target (images, rootfs, round-N)
 */
public record SendRequest(
    Path source,
    String migrationId,
    String token,
    String sourceNode,
    String destination,
    TransferKind kind,
    TransferOptions options) {

  public SendRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(options, "options");
    requireText(migrationId, "migrationId");
    requireText(token, "token");
    requireText(sourceNode, "sourceNode");
    requireText(destination, "destination");
    if (!Files.isDirectory(source)) {
      throw new IllegalArgumentException("source must be a directory, was " + source);
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  public SendRequest withOptions(TransferOptions newOptions) {
    return new SendRequest(source, migrationId, token, sourceNode, destination, kind, newOptions);
  }
}
