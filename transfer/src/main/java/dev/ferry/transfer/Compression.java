package dev.ferry.transfer;

/** How chunks are compressed. */
public sealed interface Compression {

  /** Chosen from measured link and compression throughput, adapted during the transfer. */
  record Auto() implements Compression {}

  /** Raw bytes (zero chunks still take the cheap path). */
  record None() implements Compression {}

  /** zstd at a fixed level; negative levels are zstd's fast modes. */
  record Zstd(int level) implements Compression {
    public Zstd {
      if (level < -7 || level > 19) {
        throw new IllegalArgumentException("zstd level must be in [-7, 19], was " + level);
      }
    }
  }

  static Compression auto() {
    return new Auto();
  }

  static Compression none() {
    return new None();
  }

  static Compression zstd(int level) {
    return new Zstd(level);
  }
}
