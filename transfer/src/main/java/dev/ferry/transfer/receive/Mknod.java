package dev.ferry.transfer.receive;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** libc mknod(2) through the FFM API: the JDK cannot create device nodes or FIFOs. */
final class Mknod {
  static final int S_IFIFO = 0010000;
  static final int S_IFCHR = 0020000;
  static final int S_IFBLK = 0060000;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle MKNOD = LINKER.downcallHandle(
      LINKER.defaultLookup().find("mknod").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
      Linker.Option.captureCallState("errno"));
  private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
      .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

  private Mknod() {}

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

  // glibc gnu_dev_makedev
  static long makedev(long major, long minor) {
    return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
  }
}
