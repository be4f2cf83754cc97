package dev.ferry.agent.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Migrations this node was told to expect as a target: which container, from which source,
 * with which one-time token. The transfer receiver admits a stream only if it matches one.
 * Kept on disk (owner-only, they hold secrets) as well as in memory, so an agent that
 * restarts mid-transfer still admits the source's retry instead of refusing it.
 */
public final class Admissions {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param imageId the image slot the target announced: incoming images land there, whatever the source calls them */
  public record Admission(String migrationId, String containerId, String sourceNode, String imageId, String token) {}

  private final Map<String, Admission> byMigration = new ConcurrentHashMap<>();
  private final Path dir;

  /** Admissions kept in {@code dir}; those already there (an earlier run of this agent) are loaded. */
  public Admissions(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
          Admission a = JSON.readValue(f.toFile(), Admission.class);
          byMigration.put(a.migrationId(), a);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load admissions from " + dir, e);
    }
  }

  public Admission open(String migrationId, String containerId, String sourceNode, String imageId) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    Admission a = new Admission(migrationId, containerId, sourceNode, imageId, HexFormat.of().formatHex(secret));
    persist(a);
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
    try {
      Files.deleteIfExists(file(migrationId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void persist(Admission a) {
    try {
      Path tmp = Files.createTempFile(dir, "admission-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      JSON.writeValue(tmp.toFile(), a);
      Files.move(tmp, file(a.migrationId()), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the admission of migration " + a.migrationId(), e);
    }
  }

  private Path file(String migrationId) {
    return dir.resolve(migrationId.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
  }
}
