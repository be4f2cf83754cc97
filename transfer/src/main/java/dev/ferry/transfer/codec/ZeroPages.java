package dev.ferry.transfer.codec;

import java.util.Arrays;

/**
 * Which 4 KiB pages of a chunk are all zero. Memory images are full of them (touched but zero
 * heap, cleared buffers): such pages cross neither the wire nor the receiver's disk, where they
 * stay holes. Bit i of the map (byte i / 8, least significant bit first) stands for page i; the
 * chunk's other pages travel packed, in order. An empty map means no page is left out.
 */
public final class ZeroPages {
  public static final int PAGE = 4096;
  private static final byte[] NONE = new byte[0];
  private static final byte[] ZERO_PAGE = new byte[PAGE];

  /** The empty map: no page left out. */
  public static byte[] none() {
    return NONE;
  }

  /** The map of {@code raw[0, length)}, or an empty one when no page is zero. */
  static byte[] map(byte[] raw, int length) {
    byte[] map = null;
    for (int page = 0, pages = pages(length); page < pages; page++) {
      int from = page * PAGE;
      int size = pageSize(page, length);
      // Vectorized by the JIT: far cheaper than sending or compressing the page.
      if (Arrays.mismatch(raw, from, from + size, ZERO_PAGE, 0, size) < 0) {
        if (map == null) {
          map = new byte[mapBytes(length)];
        }
        map[page >>> 3] |= (byte) (1 << (page & 7));
      }
    }
    return map == null ? NONE : map;
  }

  /** The chunk's non-zero pages, in order, in a new array of {@link #packedLength} bytes. */
  static byte[] pack(byte[] raw, int length, byte[] map) {
    byte[] packed = new byte[packedLength(map, length)];
    int to = 0;
    for (int page = 0, pages = pages(length); page < pages; page++) {
      if (!isZero(map, page)) {
        int size = pageSize(page, length);
        System.arraycopy(raw, page * PAGE, packed, to, size);
        to += size;
      }
    }
    return packed;
  }

  /** The bytes a chunk of {@code length} raw bytes carries under {@code map}. */
  public static int packedLength(byte[] map, int length) {
    int zero = 0;
    for (int page = 0, pages = pages(length); page < pages; page++) {
      if (isZero(map, page)) {
        zero += pageSize(page, length);
      }
    }
    return length - zero;
  }

  /** What {@link #forEachRun} reports: a run of zero (or of non-zero) pages at a raw offset. */
  public interface RunVisitor {
    void visit(boolean zero, int from, int size);
  }

  /** Visits the maximal runs of zero and of non-zero pages of a chunk of {@code length} raw bytes, in order. */
  public static void forEachRun(byte[] map, int length, RunVisitor visitor) {
    int pages = pages(length);
    int start = 0;
    for (int page = 1; page <= pages; page++) {
      if (page == pages || isZero(map, page) != isZero(map, start)) {
        int from = start * PAGE;
        visitor.visit(isZero(map, start), from, Math.min(page * PAGE, length) - from);
        start = page;
      }
    }
  }

  public static boolean isZero(byte[] map, int page) {
    return map.length > 0 && (map[page >>> 3] & (1 << (page & 7))) != 0;
  }

  /** Page {@code page}'s bytes in a chunk of {@code length}: a full page, or what is left of the chunk. */
  private static int pageSize(int page, int length) {
    return Math.min(PAGE, length - page * PAGE);
  }

  public static int pages(int length) {
    return (length + PAGE - 1) / PAGE;
  }

  /** The size a map of a chunk of {@code length} raw bytes must have (when it is not empty). */
  public static int mapBytes(int length) {
    return (pages(length) + 7) / 8;
  }

  private ZeroPages() {}
}
