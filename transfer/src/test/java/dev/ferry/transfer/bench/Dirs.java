package dev.ferry.transfer.bench;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sizes and removal of the benchmark's trees. */
final class Dirs {
  static long sizeOf(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static void clean(ProcessRunner runner, Path dir) {
    if (Files.exists(dir)) {
      runner.runChecked(ProcessSpec.of("rm", "-rf", dir.toString()));
    }
  }

  private Dirs() {}
}
