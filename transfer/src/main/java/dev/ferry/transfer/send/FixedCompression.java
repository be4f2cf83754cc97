package dev.ferry.transfer.send;

import dev.ferry.transfer.codec.EncodedChunk;

/** The level the caller asked for, every chunk. */
final class FixedCompression implements CompressionPolicy {
  private final Integer level;
  private final String reason;

  FixedCompression(Integer level, String reason) {
    this.level = level;
    this.reason = reason;
  }

  @Override
  public Integer level() {
    return level;
  }

  @Override
  public void record(EncodedChunk chunk, Integer triedLevel, long compressNanos, long sendNanos) {}

  @Override
  public String description() {
    return LevelLadder.describe(level);
  }

  @Override
  public String reason() {
    return reason;
  }
}
