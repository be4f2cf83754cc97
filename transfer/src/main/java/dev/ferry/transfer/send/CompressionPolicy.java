package dev.ferry.transfer.send;

import dev.ferry.transfer.Compression;

/** Chooses each chunk's zstd level (or none) and explains the choice for the statistics. */
public interface CompressionPolicy {

  /** The level for the next chunk, or null to send it raw. */
  Integer level();

  /** Feedback after a chunk: how long compressing took and how long the wire took to take it. */
  void record(int rawBytes, int wireBytes, long compressNanos, long sendWaitNanos);

  /** Human description of what was used most, e.g. "zstd -1". */
  String description();

  String reason();

  static CompressionPolicy of(Compression compression, dev.ferry.transfer.Ticker ticker, int streams) {
    return switch (compression) {
      case Compression.None n -> new FixedCompression(null, "compression disabled by the caller");
      case Compression.Zstd z -> new FixedCompression(z.level(), "level fixed by the caller");
      case Compression.Auto a -> new FixedCompression(1, "default level");
    };
  }
}
