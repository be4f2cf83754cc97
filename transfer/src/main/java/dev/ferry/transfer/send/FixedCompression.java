package dev.ferry.transfer.send;

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
  public void record(int rawBytes, int wireBytes, long compressNanos, long sendWaitNanos) {}

  @Override
  public String description() {
    return level == null ? "none" : "zstd " + level;
  }

  @Override
  public String reason() {
    return reason;
  }
}
