package dev.ferry.agent.checkpoint;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A checkpoint image directory: emptied before CRIU writes into it, measured after. */
final class ImageDir {
  private static final long PAGE = 4096;

  private ImageDir() {}

  /** Empties (or creates) the directory; keeps the directory itself, which may be a mount point. */
  static Path prepare(ProcessRunner runner, Path dir) {
    try {
      Files.createDirectories(dir);
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          runner.runChecked(ProcessSpec.of("find", dir.toString(), "-mindepth", "1", "-delete"));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare image directory " + dir, e);
    }
  }

  static long bytes(Path dir) {
    return sum(dir, "");
  }

  /** Pages CRIU wrote: the size of its pages-*.img files. */
  static long pages(Path dir) {
    return sum(dir, "pages-") / PAGE;
  }

  static boolean isComplete(Path dir) {
    return Files.exists(dir.resolve("inventory.img")) && Files.exists(dir.resolve("pstree.img"));
  }

  private static long sum(Path dir, String prefix) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix) && Files.isRegularFile(f))
          .mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
