package dev.ferry.agent.capability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads what the kernel says about this host from /proc. */
public final class HostFacts {
  private HostFacts() {}

  public static String kernel() {
    return read(Path.of("/proc/sys/kernel/osrelease")).map(String::strip).orElse("unknown");
  }

  public static String cpuModel() {
    return read(Path.of("/proc/cpuinfo")).flatMap(text -> text.lines()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .findFirst())
        .orElse("unknown");
  }

  /** A field of /proc/meminfo in bytes (e.g. MemTotal, MemAvailable). */
  public static long meminfo(String field) {
    return read(Path.of("/proc/meminfo")).flatMap(text -> text.lines()
            .filter(l -> l.startsWith(field + ":"))
            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
            .findFirst())
        .orElse(0L);
  }

  public static long diskAvailable(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  public static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
