package dev.ferry.transfer.send;

import java.util.Arrays;
import java.util.List;

/** The levels adaptive compression climbs: none, zstd's fast modes, 1, 3 (cheapest first). */
final class LevelLadder {
  static final List<Integer> LEVELS = Arrays.asList(null, -5, -1, 1, 3);
  /**
   * Raw, probing: on loopback or a fast LAN compression is slower than the link (zstd 1 does
   * ~250 MB/s per core here), so compression has to prove it would carry more before it is used.
   */
  static final int START = 0;

  private LevelLadder() {}

  static String describe(Integer level) {
    return level == null ? "none" : "zstd " + level;
  }
}
