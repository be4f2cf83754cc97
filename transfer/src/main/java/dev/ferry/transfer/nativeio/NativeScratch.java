package dev.ferry.transfer.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * Native memory for the arguments of one libc call at a time (errno state, a path, timespecs),
 * kept per thread: a confined arena per call cost as much as the call itself (malloc, zeroing,
 * free), and a received root filesystem makes several calls per file. {@link #begin()} hands the
 * thread's memory out again from its start, so a call's segments are valid until the thread's
 * next call. Rare oversized requests (a path longer than the page) get memory of their own.
 */
public final class NativeScratch implements SegmentAllocator {
  private static final long SIZE = 8192;
  private static final ThreadLocal<NativeScratch> PER_THREAD = ThreadLocal.withInitial(NativeScratch::new);

  /** Freed by the collector with the thread's scratch. */
  private final MemorySegment memory = Arena.ofAuto().allocate(SIZE);
  private long used;

  private NativeScratch() {}

  /** The calling thread's scratch, empty: what an earlier call took from it is handed out again. */
  public static NativeScratch begin() {
    NativeScratch scratch = PER_THREAD.get();
    scratch.used = 0;
    return scratch;
  }

  @Override
  public MemorySegment allocate(long byteSize, long byteAlignment) {
    long start = (used + byteAlignment - 1) / byteAlignment * byteAlignment;
    if (start + byteSize > SIZE) {
      return Arena.ofAuto().allocate(byteSize, byteAlignment);
    }
    used = start + byteSize;
    return memory.asSlice(start, byteSize);
  }
}
