package dev.ferry.agent.capability;

import java.nio.file.Path;
import java.time.Duration;

/** Watches the kernel's socket tables for a listener without connecting to it (CRIU's page server accepts once). */
public final class Ports {
  private static final String LISTEN = "0A";

  private Ports() {}

  public static boolean isListening(int port) {
    String hexPort = String.format(":%04X", port);
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      boolean found = HostFacts.read(Path.of(table)).map(text -> text.lines().skip(1)
          .map(l -> l.trim().split("\\s+"))
          .anyMatch(f -> f.length > 3 && f[1].endsWith(hexPort) && LISTEN.equals(f[3]))).orElse(false);
      if (found) {
        return true;
      }
    }
    return false;
  }

  public static boolean awaitListening(int port, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (isListening(port)) {
        return true;
      }
      pause();
    }
    return false;
  }

  /** A port nobody listens on right now (for a page server). */
  public static int free() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
