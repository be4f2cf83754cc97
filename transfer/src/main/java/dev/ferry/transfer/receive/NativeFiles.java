package dev.ferry.transfer.receive;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * libc calls the JDK lacks, through the FFM API: mknod(2) for device nodes and FIFOs, and
 * utimensat(2) that sets times without opening the file (opening a FIFO would block).
 */
final class NativeFiles {
  static final int S_IFIFO = 0010000;
  static final int S_IFCHR = 0020000;
  static final int S_IFBLK = 0060000;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle MKNOD = LINKER.downcallHandle(
      LINKER.defaultLookup().find("mknod").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
      Linker.Option.captureCallState("errno"));
  private static final MethodHandle UTIMENSAT = LINKER.downcallHandle(
      LINKER.defaultLookup().find("utimensat").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
      Linker.Option.captureCallState("errno"));
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
      .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

  private NativeFiles() {}

  static void mknod(Path path, int typeBits, int mode, int major, int minor) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
      MemorySegment name = arena.allocateFrom(path.toString());
      int rc = (int) MKNOD.invokeExact(state, name, typeBits | (mode & 07777), makedev(major, minor));
      if (rc != 0) {
        throw new IOException("mknod " + path + " failed: errno " + state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET));
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("mknod " + path + " failed: " + t, t);
    }
  }

  /** Sets the modification time of {@code path} itself (a symlink, FIFO or device is not opened). */
  static void setMtime(Path path, long mtimeNanos) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
      MemorySegment name = arena.allocateFrom(path.toString());
      MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
      times.setAtIndex(ValueLayout.JAVA_LONG, 0, 0);
      times.setAtIndex(ValueLayout.JAVA_LONG, 1, UTIME_OMIT);
      times.setAtIndex(ValueLayout.JAVA_LONG, 2, Math.floorDiv(mtimeNanos, 1_000_000_000L));
      times.setAtIndex(ValueLayout.JAVA_LONG, 3, Math.floorMod(mtimeNanos, 1_000_000_000L));
      int rc = (int) UTIMENSAT.invokeExact(state, AT_FDCWD, name, times, AT_SYMLINK_NOFOLLOW);
      if (rc != 0) {
        throw new IOException("utimensat " + path + " failed: errno " + state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET));
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("utimensat " + path + " failed: " + t, t);
    }
  }

  // glibc gnu_dev_makedev
  static long makedev(long major, long minor) {
    return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
  }
}
