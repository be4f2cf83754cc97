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

  // zstd's speed and output size relative to level 1, roughly, for page-like data: enough to
  // project whether the next level could pay before trying it (a move that does not is undone).
  private static final double[] SPEED = {1, 2.0, 1.4, 1.0, 0.6};
  private static final double[] RATIO = {1, 1.15, 1.05, 1.0, 0.94};

  private LevelLadder() {}

  static double relativeSpeed(int index) {
    return SPEED[index];
  }

  static double relativeRatio(int index) {
    return RATIO[index];
  }

  static String describe(Integer level) {
    return level == null ? "none" : "zstd " + level;
  }
}
