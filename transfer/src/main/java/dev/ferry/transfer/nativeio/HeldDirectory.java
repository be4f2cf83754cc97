package dev.ferry.transfer.nativeio;

import static dev.ferry.transfer.nativeio.Libc.AT_FDCWD;
import static dev.ferry.transfer.nativeio.Libc.O_CLOEXEC;
import static dev.ferry.transfer.nativeio.Libc.O_DIRECTORY;
import static dev.ferry.transfer.nativeio.Libc.O_NOFOLLOW;
import static dev.ferry.transfer.nativeio.Libc.O_PATH;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One directory held open, to open files relative to it, and replaced when another one is asked
 * for. Where files come a directory at a time (a stream of a walked tree), the kernel then resolves
 * a directory's whole path once and one component per file. Not thread-safe.
 */
public final class HeldDirectory implements AutoCloseable {
  /** The key of the directory held (its path relative to a tree's root), or null. */
  private String name;
  private int fd = -1;

  /** Whether the directory {@code name} is the one held. */
  public boolean holds(String name) {
    return name.equals(this.name);
  }

  /**
   * The descriptor of the directory {@code name}, opening {@code path} in place of the one held
   * when it is another; never through a symlink at its last component.
   */
  public int open(String name, Path path) throws IOException {
    if (!holds(name)) {
      close();
      fd = Libc.openat(AT_FDCWD, path.toString(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0, path);
      this.name = name;
    }
    return fd;
  }

  @Override
  public void close() {
    if (fd >= 0) {
      Libc.close(fd);
      fd = -1;
      name = null;
    }
  }
}
