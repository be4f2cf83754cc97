package dev.ferry.transfer.receive;

import dev.ferry.transfer.nativeio.HeldDirectory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The directory a call last created a file in, held open. A call's files arrive a directory at a
 * time (the sender queues small files in walk order), so the next file is usually created
 * relative to it: neither the staging tree nor the kernel resolves its whole path again. One per
 * call; synchronized because the call may end (and close it) on another thread, and a closed
 * descriptor's number may already name another directory.
 */
public final class LastDirectory implements AutoCloseable {
  private final HeldDirectory held = new HeldDirectory();
  private boolean closed;

  /** Whether {@code parent} (relative to the staging root) is the directory held open. */
  synchronized boolean holds(String parent) {
    return !closed && held.holds(parent);
  }

  /**
   * Creates {@code name} in the directory held open, after opening {@code parentPath} (which the
   * staging tree has made or checked) in its place when it is another one.
   */
  synchronized int create(String parent, Path parentPath, String name, int mode, Path path) throws IOException {
    if (closed) {
      throw new IOException("the call creating " + path + " has ended");
    }
    return NativeFiles.createAt(held.open(parent, parentPath), name, mode, path);
  }

  @Override
  public synchronized void close() {
    closed = true;
    held.close();
  }
}
