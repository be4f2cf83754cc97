package dev.ferry.transfer.receive;

import static dev.ferry.transfer.nativeio.Libc.ADDRESS;
import static dev.ferry.transfer.nativeio.Libc.AT_FDCWD;
import static dev.ferry.transfer.nativeio.Libc.AT_SYMLINK_NOFOLLOW;
import static dev.ferry.transfer.nativeio.Libc.EINTR;
import static dev.ferry.transfer.nativeio.Libc.INT;
import static dev.ferry.transfer.nativeio.Libc.LONG;
import static dev.ferry.transfer.nativeio.Libc.O_CLOEXEC;
import static dev.ferry.transfer.nativeio.Libc.O_CREAT;
import static dev.ferry.transfer.nativeio.Libc.O_EXCL;
import static dev.ferry.transfer.nativeio.Libc.O_NOFOLLOW;
import static dev.ferry.transfer.nativeio.Libc.O_WRONLY;

import dev.ferry.transfer.codec.ByteSlice;
import dev.ferry.transfer.nativeio.Libc;
import dev.ferry.transfer.nativeio.NativeScratch;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The libc calls the receiver needs and the JDK lacks, through the FFM API, in one place: mknod(2)
 * for device nodes and FIFOs, utimensat(2) that sets times without opening the file (opening a
 * FIFO would block), and descriptor calls for regular files (open, pwrite straight from the heap,
 * fchown, fchmod, futimens), so a received file costs no path lookup after its creation.
 * Failures are IOExceptions carrying strerror's text ({@link Libc}).
 */
final class NativeFiles {
  /** For {@link #seal}: the writes already gave the file its length. */
  static final long LENGTH_IS_RIGHT = -1;
  /** As uid and gid, or as mode: already right, no call (chown's own "no change" value). */
  static final int KEEP = -1;

  private static final long UTIME_OMIT = (1L << 30) - 2;

  private static final MethodHandle MKNOD = Libc.call("mknod", FunctionDescriptor.of(INT, ADDRESS, INT, LONG));
  private static final MethodHandle UTIMENSAT = Libc.call("utimensat", FunctionDescriptor.of(INT, INT, ADDRESS, ADDRESS, INT));
  private static final MethodHandle LCHOWN = Libc.call("lchown", FunctionDescriptor.of(INT, ADDRESS, INT, INT));
  private static final MethodHandle FCHMODAT = Libc.call("fchmodat", FunctionDescriptor.of(INT, INT, ADDRESS, INT, INT));
  /** Critical: the buffer may be a heap array (no copy into native memory); pwrite never blocks for long on a local disk. */
  private static final MethodHandle PWRITE = Libc.call("pwrite", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG, LONG), Linker.Option.critical(true));
  private static final MethodHandle FTRUNCATE = Libc.call("ftruncate", FunctionDescriptor.of(INT, INT, LONG));
  private static final MethodHandle FCHOWN = Libc.call("fchown", FunctionDescriptor.of(INT, INT, INT, INT));
  private static final MethodHandle FCHMOD = Libc.call("fchmod", FunctionDescriptor.of(INT, INT, INT));
  private static final MethodHandle FUTIMENS = Libc.call("futimens", FunctionDescriptor.of(INT, INT, ADDRESS));

  private NativeFiles() {}

  static void mknod(Path path, int typeBits, int mode, int major, int minor) throws IOException {
    try {
      SegmentAllocator scratch = NativeScratch.begin();
      MemorySegment state = Libc.state(scratch);
      int rc = (int) MKNOD.invokeExact(state, scratch.allocateFrom(path.toString()), typeBits | (mode & 07777), makedev(major, minor));
      Libc.check(rc, state, "mknod", path);
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("mknod " + path + " failed: " + t, t);
    }
  }

  /**
   * Sets owner, mode (not of a symlink, which has none) and modification time of {@code path}
   * itself, without opening it (opening a FIFO would block) and never through a symlink (a path that
   * became one fails chmod with EOPNOTSUPP instead of changing what it points to). Owner first:
   * chown clears set-id bits that chmod then restores. {@link #KEEP} (both ids, or the mode) skips a call.
   */
  static void setAttributes(Path path, boolean symlink, int uid, int gid, int mode, long mtimeNanos) throws IOException {
    try {
      SegmentAllocator scratch = NativeScratch.begin();
      MemorySegment state = Libc.state(scratch);
      MemorySegment name = scratch.allocateFrom(path.toString());
      if (uid != KEEP || gid != KEEP) {
        Libc.check((int) LCHOWN.invokeExact(state, name, uid, gid), state, "lchown", path);
      }
      if (!symlink && mode != KEEP) {
        Libc.check((int) FCHMODAT.invokeExact(state, AT_FDCWD, name, mode & 07777, AT_SYMLINK_NOFOLLOW), state, "chmod", path);
      }
      Libc.check((int) UTIMENSAT.invokeExact(state, AT_FDCWD, name, times(scratch, mtimeNanos), AT_SYMLINK_NOFOLLOW), state, "utimensat", path);
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("setting the attributes of " + path + " failed: " + t, t);
    }
  }

  /** Creates a regular file for writing, never through a symlink and never over an existing entry; mode 0600 until sealed. */
  static int create(Path path) throws IOException {
    return create(path, 0600);
  }

  /** As {@link #create(Path)}, with {@code mode} (under the umask) from the start. */
  static int create(Path path, int mode) throws IOException {
    return createAt(AT_FDCWD, path.toString(), mode, path);
  }

  /**
   * As {@link #create(Path, int)}, {@code name} relative to the directory {@code directoryFd}
   * (a {@link dev.ferry.transfer.nativeio.HeldDirectory}'s): the kernel resolves one component instead of the whole path.
   *
   * @param path the file's whole path, for messages
   */
  static int createAt(int directoryFd, String name, int mode, Path path) throws IOException {
    return Libc.openat(directoryFd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode, path);
  }

  /** Writes all of {@code data} at {@code position}. */
  static void write(int fd, ByteSlice data, long position, Path path) throws IOException {
    int length = data.length();
    try {
      SegmentAllocator scratch = NativeScratch.begin();
      MemorySegment state = Libc.state(scratch);
      MemorySegment buffer = MemorySegment.ofArray(data.array()).asSlice(data.offset(), length);
      long done = 0;
      while (done < length) {
        long n = (long) PWRITE.invokeExact(state, fd, buffer.asSlice(done), length - done, position + done);
        if (n < 0 && Libc.errno(state) == EINTR) {
          continue;
        }
        Libc.check(n, state, "write", path);
        done += n;
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("write " + path + " failed: " + t, t);
    }
  }

  /**
   * Gives an open file its final length and metadata, then closes it: owner first (chown clears
   * set-id bits that chmod then restores), times last (nothing writes after them).
   *
   * @param extendTo the length when the file ends in a hole the writes did not reach, else {@link #LENGTH_IS_RIGHT}
   * @param uid      {@link #KEEP} with gid when the file was created with the right owner
   * @param mode     {@link #KEEP} when the file was created with the right mode
   */
  static void seal(int fd, long extendTo, int uid, int gid, int mode, long mtimeNanos, Path path) throws IOException {
    try {
      SegmentAllocator scratch = NativeScratch.begin();
      MemorySegment state = Libc.state(scratch);
      if (extendTo != LENGTH_IS_RIGHT) {
        Libc.check((int) FTRUNCATE.invokeExact(state, fd, extendTo), state, "ftruncate", path);
      }
      if (uid != KEEP || gid != KEEP) {
        Libc.check((int) FCHOWN.invokeExact(state, fd, uid, gid), state, "fchown", path);
      }
      if (mode != KEEP) {
        Libc.check((int) FCHMOD.invokeExact(state, fd, mode & 07777), state, "fchmod", path);
      }
      Libc.check((int) FUTIMENS.invokeExact(state, fd, times(scratch, mtimeNanos)), state, "futimens", path);
    } catch (IOException e) {
      close(fd);
      throw e;
    } catch (Throwable t) {
      close(fd);
      throw new IOException("sealing " + path + " failed: " + t, t);
    }
    if (!close(fd)) {
      throw new IOException("close " + path + " failed");
    }
  }

  /** Closes a descriptor; false if the kernel reported an error (the file may not be complete). */
  static boolean close(int fd) {
    return Libc.close(fd);
  }

  // glibc gnu_dev_makedev
  static long makedev(long major, long minor) {
    return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
  }

  /** struct timespec[2]: access time left alone, modification time set. */
  private static MemorySegment times(SegmentAllocator scratch, long mtimeNanos) {
    MemorySegment times = scratch.allocate(LONG, 4);
    times.setAtIndex(LONG, 0, 0);
    times.setAtIndex(LONG, 1, UTIME_OMIT);
    times.setAtIndex(LONG, 2, Math.floorDiv(mtimeNanos, 1_000_000_000L));
    times.setAtIndex(LONG, 3, Math.floorMod(mtimeNanos, 1_000_000_000L));
    return times;
  }

}
