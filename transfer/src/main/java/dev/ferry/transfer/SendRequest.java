package dev.ferry.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One directory tree to send to a peer agent.
 *
 * @param source      the local directory whose content is sent
 * @param destination the name of the directory on the target (images, rootfs, round-N)
 * @param writerDone  true once nothing writes into {@code source} any more. Until then the
 *                    sender streams files as they appear and grow (pipelining: CRIU dumps while
 *                    the images travel); {@link #FINISHED} for a tree that is complete already
 */
public record SendRequest(
    Path source,
    String migrationId,
    String token,
    String sourceNode,
    String destination,
    TransferKind kind,
    TransferOptions options,
    BooleanSupplier writerDone) {

  /** For a tree that nobody writes any more. */
  public static final BooleanSupplier FINISHED = () -> true;

  /** A finished tree. */
  public SendRequest(Path source, String migrationId, String token, String sourceNode, String destination,
      TransferKind kind, TransferOptions options) {
    this(source, migrationId, token, sourceNode, destination, kind, options, FINISHED);
  }

  public SendRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(writerDone, "writerDone");
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
    return new SendRequest(source, migrationId, token, sourceNode, destination, kind, newOptions, writerDone);
  }

  /** The same tree, still being written until {@code done} says otherwise. */
  public SendRequest pipelinedUntil(BooleanSupplier done) {
    return new SendRequest(source, migrationId, token, sourceNode, destination, kind, options, done);
  }

  public boolean pipelined() {
    return writerDone != FINISHED;
  }
}
