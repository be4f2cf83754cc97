package dev.ferry.agent.criu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * crun has no flag for post-copy, but the CRIU it drives through libcriu reads a configuration
 * file named by the CRIU_CONFIG_FILE environment variable. So a lazy dump or restore is a
 * normal {@code crun checkpoint}/{@code crun restore} with this file in its environment.
 */
public final class LazyPagesConfig {
  public static final String ENV = "CRIU_CONFIG_FILE";

  private LazyPagesConfig() {}

  /** Dump side: dump everything but memory, then serve the pages on {@code address:port}. */
  public static Map<String, String> forDump(Path workDir, String address, int port) {
    return write(workDir.resolve("criu-lazy-dump.conf"), "lazy-pages\naddress " + address + "\nport " + port + "\n");
  }

  /** Restore side: restore with memory left to the lazy-pages daemon running in the same work dir. */
  public static Map<String, String> forRestore(Path workDir) {
    return write(workDir.resolve("criu-lazy-restore.conf"), "lazy-pages\n");
  }

  private static Map<String, String> write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      return Map.of(ENV, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CRIU configuration " + file, e);
    }
  }
}
