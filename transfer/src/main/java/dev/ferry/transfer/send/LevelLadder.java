package dev.ferry.transfer.send;

import java.util.Arrays;
import java.util.List;

/** The levels adaptive compression climbs: none, zstd's fast modes, 1, 3 (cheapest first). */
final class LevelLadder {
  static final List<Integer> LEVELS = Arrays.asList(null, -5, -1, 1, 3);
  static final int START = 3; // zstd 1: the usual fast default until measurements say otherwise

  private LevelLadder() {}

  static String describe(Integer level) {
    return level == null ? "none" : "zstd " + level;
  }
}
