package dev.ferry.agent.checkpoint;

import dev.ferry.agent.capability.HostFacts;
import java.nio.file.Path;

/** The page-server port and address a lazy dump was given, read back from its CRIU configuration file. */
final class LazyPort {
  private LazyPort() {}

  static int of(Path work) {
    return HostFacts.read(work.resolve("criu-lazy-dump.conf")).flatMap(text -> text.lines()
            .filter(l -> l.startsWith("port ")).map(l -> Integer.parseInt(l.substring(5).strip())).findFirst())
        .orElseThrow(() -> new IllegalStateException("no lazy dump configuration in " + work));
  }

  /** The address the page server listens on: it binds to that address only, so 127.0.0.1 would not reach it. */
  static String address(Path work) {
    return HostFacts.read(work.resolve("criu-lazy-dump.conf")).flatMap(text -> text.lines()
            .filter(l -> l.startsWith("address ")).map(l -> l.substring(8).strip()).findFirst())
        .orElseThrow(() -> new IllegalStateException("no lazy dump configuration in " + work));
  }
}
