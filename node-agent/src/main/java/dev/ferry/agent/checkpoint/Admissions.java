package dev.ferry.agent.checkpoint;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Migrations this node was told to expect as a target: which container, from which source,
 * with which one-time token. The transfer receiver admits a stream only if it matches one.
 */
public final class Admissions {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** @param imageId the image slot the target announced: incoming images land there, whatever the source calls them */
  public record Admission(String migrationId, String containerId, String sourceNode, String imageId, String token) {}

  private final Map<String, Admission> byMigration = new ConcurrentHashMap<>();

  public Admission open(String migrationId, String containerId, String sourceNode, String imageId) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    Admission a = new Admission(migrationId, containerId, sourceNode, imageId, HexFormat.of().formatHex(secret));
    byMigration.put(migrationId, a);
    return a;
  }

  /** The admission for this migration, if the token and source match it. */
  public Optional<Admission> match(String migrationId, String token, String sourceNode) {
    return Optional.ofNullable(byMigration.get(migrationId))
        .filter(a -> java.security.MessageDigest.isEqual(a.token().getBytes(), token.getBytes()))
        .filter(a -> a.sourceNode().equals(sourceNode));
  }

  public void close(String migrationId) {
    byMigration.remove(migrationId);
  }
}
