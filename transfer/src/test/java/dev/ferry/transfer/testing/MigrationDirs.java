package dev.ferry.transfer.testing;

import dev.ferry.transfer.Admission;
import dev.ferry.transfer.TransferException;
import java.nio.file.Path;

/** An admission for tests: one migration, one token, one source; destinations are plain names. */
public record MigrationDirs(Path migrationDir, String migrationId, String token, String sourceNode) implements Admission {

  @Override
  public Path admit(String migrationId, String token, String sourceNode, String destination) {
    if (!this.migrationId.equals(migrationId) || !this.token.equals(token) || !this.sourceNode.equals(sourceNode)) {
      throw TransferException.denied("migration " + migrationId + " from " + sourceNode + " is not announced or the token is wrong");
    }
    if (!destination.matches("[a-z0-9-]+")) {
      throw TransferException.invalid("destination must be a plain name, was " + destination);
    }
    return migrationDir.resolve(destination);
  }
}
