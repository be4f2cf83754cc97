package dev.ferry.transfer.bench;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Sizes and removal of the benchmark's trees, and the target file system's pages before a timed run. */
final class Dirs {
  private static final int BLOCK = 1 << 20;

  /**
   * Writes a file of {@code bytes} in {@code dir} and deletes it, so that the timed transfer that
   * follows writes its data into pages the kernel has just freed. This machine is a VM whose balloon
   * device reports free memory to the host (virtio-balloon free page reporting, 2 MiB blocks): memory
   * freed more than a few seconds ago goes back to the host, and the guest's first write to it costs a
   * fault in the host. Writing 1 GiB into such pages ran at 470-1050 MB/s, into pages freed just before
   * at 3.6-4.1 GB/s (the same pwrites from one JVM, 4 KiB-page runs). Without this a Ferry row, timed
   * after its JVMs' 6-40 s warm-up, wrote into returned memory, while a tar row, timed right after the
   * previous row's clean-up, wrote into recycled pages (profiled, Ferry's receiving thread spent 83% of its CPU in
   * pwrite's copy, which ran at 0.7 GB/s).
   */
  static void recyclePages(Path dir, long bytes) throws IOException {
    Path scratch = dir.resolve("recycled-pages.tmp");
    ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
    try (FileChannel out = FileChannel.open(scratch, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      for (long written = 0; written < bytes; written += BLOCK) {
        block.clear().limit((int) Math.min(BLOCK, bytes - written));
        while (block.hasRemaining()) {
          out.write(block);
        }
      }
    } finally {
      Files.deleteIfExists(scratch);
    }
  }

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
