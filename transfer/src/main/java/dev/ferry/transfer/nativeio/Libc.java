package dev.ferry.transfer.nativeio;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/**
 * What every libc call through the FFM API needs, in one place: downcall handles that capture
 * errno, the flags, and failures as IOExceptions carrying strerror's text ("No space left on
 * device" included). Transfers use libc where the JDK lacks a call (mknod, utimensat without
 * opening, openat relative to a directory) or costs per file (FileChannel's objects and copies).
 */
public final class Libc {
  public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  public static final ValueLayout ADDRESS = ValueLayout.ADDRESS;

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 01;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_DIRECTORY = System.getProperty("os.arch").equals("aarch64") ? 040000 : 0200000;
  public static final int O_NOFOLLOW = System.getProperty("os.arch").equals("aarch64") ? 0100000 : 0400000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;
  public static final int EEXIST = 17;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int ELOOP = 40;
  /** Opening a FIFO does not wait for a writer; reading a regular file ignores it. */
  public static final int O_NONBLOCK = 04000;
  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MemoryLayout STATE = Linker.Option.captureStateLayout();
  private static final long ERRNO_OFFSET = STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
      FunctionDescriptor.of(ADDRESS, INT));
  private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(INT, INT));
  private static final MethodHandle OPENAT = call("openat", FunctionDescriptor.of(INT, INT, ADDRESS, INT, INT), Linker.Option.firstVariadicArg(3));

  private Libc() {}

  /** A handle to libc's {@code name} whose first argument is the memory errno is captured into ({@link #state}). */
  public static MethodHandle call(String name, FunctionDescriptor descriptor, Linker.Option... options) {
    Linker.Option[] all = java.util.Arrays.copyOf(options, options.length + 1);
    all[options.length] = Linker.Option.captureCallState("errno");
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, all);
  }

  /** Memory for one call's captured errno. */
  public static MemorySegment state(SegmentAllocator allocator) {
    return allocator.allocate(STATE);
  }

  /** Throws an IOException naming the call, the path and strerror's text when {@code rc} says the call failed. */
  public static void check(long rc, MemorySegment state, String call, Object path) throws IOException {
    if (rc < 0) {
      int errno = errno(state);
      throw new IOException(call + " " + path + ": " + reason(errno));
    }
  }

  public static int errno(MemorySegment state) {
    return state.get(INT, ERRNO_OFFSET);
  }

  /**
   * openat(2): a descriptor of {@code name} relative to the directory {@code directoryFd}
   * ({@link #AT_FDCWD}: a name as open(2) takes it).
   *
   * @param mode the new file's mode with {@link #O_CREAT}, else ignored
   * @param path the whole path, for messages
   * @throws FileAlreadyExistsException for EEXIST (an exclusive create found something there)
   * @throws NoSuchFileException for ENOENT (no such file, or one of its directories is gone)
   * @throws SymlinkNowException for ELOOP with {@link #O_NOFOLLOW} (the name is a symbolic link)
   */
  public static int openat(int directoryFd, String name, int flags, int mode, Object path) throws IOException {
    try {
      SegmentAllocator scratch = NativeScratch.begin();
      MemorySegment state = state(scratch);
      int fd = (int) OPENAT.invokeExact(state, directoryFd, scratch.allocateFrom(name), flags, mode);
      int errno = fd < 0 ? errno(state) : 0;
      if (errno == EEXIST) {
        throw new FileAlreadyExistsException(String.valueOf(path));
      }
      if (errno == ENOENT) {
        throw new NoSuchFileException(String.valueOf(path), null, reason(ENOENT));
      }
      if (errno == ELOOP && (flags & O_NOFOLLOW) != 0) {
        throw new SymlinkNowException(String.valueOf(path), reason(ELOOP));
      }
      check(fd, state, "open", path);
      return fd;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("open " + path + " failed: " + t, t);
    }
  }

  /** Closes a descriptor; false if the kernel reported an error (a file written through it may not be complete). */
  public static boolean close(int fd) {
    try {
      return (int) CLOSE.invokeExact(state(NativeScratch.begin()), fd) == 0;
    } catch (Throwable t) {
      return false;
    }
  }

  /** How every failed call's message ends: strerror's text and the number. */
  private static String reason(int errno) {
    return strerror(errno) + " (errno " + errno + ")";
  }

  private static String strerror(int errno) {
    try {
      return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }
}
