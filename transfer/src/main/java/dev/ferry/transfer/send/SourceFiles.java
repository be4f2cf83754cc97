package dev.ferry.transfer.send;

import static dev.ferry.transfer.nativeio.Libc.ADDRESS;
import static dev.ferry.transfer.nativeio.Libc.EINTR;
import static dev.ferry.transfer.nativeio.Libc.INT;
import static dev.ferry.transfer.nativeio.Libc.LONG;
import static dev.ferry.transfer.nativeio.Libc.O_CLOEXEC;
import static dev.ferry.transfer.nativeio.Libc.O_NOFOLLOW;
import static dev.ferry.transfer.nativeio.Libc.O_NONBLOCK;
import static dev.ferry.transfer.nativeio.Libc.O_RDONLY;

import dev.ferry.transfer.nativeio.HeldDirectory;
import dev.ferry.transfer.nativeio.Libc;
import dev.ferry.transfer.nativeio.NativeScratch;
import dev.ferry.transfer.tree.RelativePath;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Opens and reads the source tree's regular files for one stream, through libc. Each file opens
 * relative to its directory's descriptor, kept while the stream's files stay in that directory
 * (the walk lists a directory's files together), so the kernel resolves a full path once per
 * directory, not once per file; and reads go straight into the stream's heap buffer, where a
 * FileChannel reads through a temporary direct buffer and copies. For a root filesystem of 20,000
 * small files path lookups and FileChannel took about 5% of the transfer's CPU. Not thread-safe:
 * one per stream.
 */
public final class SourceFiles implements AutoCloseable {
  /** Critical: reads into a heap array without copying; a local file's pread never blocks for long. */
  private static final MethodHandle PREAD = Libc.call("pread", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG, LONG), Linker.Option.critical(true));

  private final Path root;
  /** The directory of the last file opened, by its path relative to the root ("" is the root). */
  private final HeldDirectory directory = new HeldDirectory();

  public SourceFiles(Path root) {
    this.root = root;
  }

  /**
   * Opens {@code relativePath} ('/'-separated, below the root) for reading, never through a
   * symlink at its last component (a file replaced by a link since the walk: SymlinkNowException), and
   * without waiting (a file replaced by a FIFO since the walk fails its read instead of hanging).
   *
   * @return the descriptor, for {@link #read} and {@link #closeFile}
   */
  public int open(String relativePath) throws IOException {
    String parent = RelativePath.parent(relativePath);
    int directoryFd = directory.open(parent, parent.isEmpty() ? root : root.resolve(parent));
    return Libc.openat(directoryFd, RelativePath.name(relativePath), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0, root.resolve(relativePath));
  }

  /**
   * Reads up to {@code length} bytes at {@code position} into {@code buffer}: fewer only at the
   * file's end as it is now (0 there).
   */
  public static int read(int fd, byte[] buffer, int length, long position, String path) throws IOException {
    MemorySegment target = MemorySegment.ofArray(buffer);
    int done = 0;
    try {
      MemorySegment state = Libc.state(NativeScratch.begin());
      while (done < length) {
        long n = (long) PREAD.invokeExact(state, fd, target.asSlice(done), (long) (length - done), position + done);
        if (n < 0 && Libc.errno(state) == EINTR) {
          continue;
        }
        Libc.check(n, state, "read", path);
        if (n == 0) {
          break;
        }
        done += (int) n;
      }
      return done;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("read " + path + " failed: " + t, t);
    }
  }

  public static void closeFile(int fd) {
    Libc.close(fd); // read only: nothing to lose
  }

  @Override
  public void close() {
    directory.close();
  }
}
