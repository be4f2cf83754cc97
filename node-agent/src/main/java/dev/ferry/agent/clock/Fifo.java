package dev.ferry.agent.clock;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A named pipe the agent writes to while CRIU (or its action script) reads it. Opening a FIFO
 * for writing blocks until a reader opens it: that is how the agent learns the instant CRIU
 * reads. {@link #release} opens both ends itself (O_RDWR never blocks on Linux), so a writer
 * never stays blocked when the reader never came.
 */
final class Fifo {
  private final Path path;

  private Fifo(Path path) {
    this.path = path;
  }

  static Fifo create(ProcessRunner runner, Path path) throws IOException {
    Files.deleteIfExists(path);
    // The JDK cannot make a FIFO; mkfifo(1) can.
    var r = runner.run(ProcessSpec.of("mkfifo", "-m", "600", path.toString()));
    if (!r.succeeded()) {
      throw new IOException("mkfifo " + path + " failed: " + r.stderrTail(2).strip());
    }
    return new Fifo(path);
  }

  /** A FIFO that already exists. */
  static Fifo at(Path path) {
    return new Fifo(path);
  }

  Path path() {
    return path;
  }

  /**
   * Starts {@code writer}, which opens this FIFO, on a platform thread. open(2) of a FIFO blocks
   * in native code and pins a virtual thread's carrier: two restores at once on a 2-core node
   * held both carriers, every virtual thread (process output drains included) stood still, and
   * the restores, waiting on those drains before starting CRIU, stalled for 4 s.
   */
  static void startWriter(String name, Runnable writer) {
    Thread.ofPlatform().daemon().name(name).start(writer);
  }

  /** Unblocks a writer still waiting for a reader (its later writes fail with a broken pipe). */
  void release() {
    if (!Files.exists(path)) {
      return;
    }
    try (RandomAccessFile both = new RandomAccessFile(path.toFile(), "rw")) {
      both.getFD().valid();
    } catch (IOException ignored) {
      // Nothing was waiting, or the writer is gone: either way nobody stays blocked.
    }
  }
}
