package dev.ferry.agent.criu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one writer of CRIU configuration files. crun has no flags for post-copy or action
 * scripts, but the CRIU it drives through libcriu reads a configuration file named by the
 * CRIU_CONFIG_FILE environment variable; so a lazy dump or restore, or a restore whose resume is
 * held for the clock policy, is a normal {@code crun checkpoint}/{@code crun restore} with this
 * file in its environment. One file per call: options for several purposes are merged here.
 */
public record CriuConfig(List<String> lines) {
  public static final String ENV = "CRIU_CONFIG_FILE";
  public static final CriuConfig NONE = new CriuConfig(List.of());

  public CriuConfig {
    lines = List.copyOf(lines);
  }

  /** Dump side of post-copy: dump everything but memory, then serve the pages on {@code address:port}. */
  public static CriuConfig lazyDump(String address, int port) {
    return NONE.with("lazy-pages").with("address " + address).with("port " + port);
  }

  /** Restore side of post-copy: memory is left to the lazy-pages daemon running in the same work dir. */
  public CriuConfig withLazyPages() {
    return with("lazy-pages");
  }

  /**
   * Dump side with established connections: connections a listening socket has not accepted yet
   * (in its accept queue, or half-open) cannot be dumped, and under load there always are some.
   * CRIU drops them; their clients see a reset and retry (a load balancer retries on its own),
   * while every accepted connection moves intact.
   */
  public CriuConfig withSkipInFlight() {
    return with("skip-in-flight");
  }

  /** The migration drops open TCP connections: closed on dump and restore, their peers see a reset. */
  public CriuConfig withTcpClose() {
    return with("tcp-close");
  }

  /** A dump's config for how it treats open TCP connections. */
  public CriuConfig forDump(boolean tcpEstablished, boolean closeConnections) {
    return closeConnections ? withTcpClose() : tcpEstablished ? withSkipInFlight() : this;
  }

  /** CRIU runs this script at every restore stage, with the stage in CRTOOLS_SCRIPT_ACTION. */
  public CriuConfig withActionScript(Path script) {
    return with("action-script " + script);
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  /** Writes the file and returns the environment that points CRIU at it; nothing for an empty configuration. */
  public Map<String, String> writeTo(Path file) {
    if (isEmpty()) {
      return Map.of();
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, String.join("\n", lines) + "\n");
      return Map.of(ENV, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CRIU configuration " + file, e);
    }
  }

  private CriuConfig with(String line) {
    List<String> all = new ArrayList<>(lines);
    all.add(line);
    return new CriuConfig(all);
  }
}
