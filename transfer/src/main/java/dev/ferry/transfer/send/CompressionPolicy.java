package dev.ferry.transfer.send;

import dev.ferry.transfer.Compression;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.codec.EncodedChunk;

/** Chooses each chunk's zstd level (or none) and explains the choice for the statistics. Thread-safe. */
public interface CompressionPolicy {

  /** The level for the next chunk, or null to send it raw. */
  Integer level();

  /**
   * Feedback after a chunk: the level that was tried (null: none), how long compressing took and
   * how long the link (throttle, flow control, receiver) took to accept it.
   */
  void record(EncodedChunk chunk, Integer triedLevel, long compressNanos, long sendNanos);

  /** The level that carried the most bytes, e.g. "zstd 1" or "none". */
  String description();

  /** Why, with the measurements behind it. */
  String reason();

  /**
   * @param peer the channel the transfer goes over (adaptive compression starts where the last one
   *             of the same kind over it settled)
   */
  static CompressionPolicy of(Compression compression, Ticker ticker, int streams, Object peer, TransferKind kind) {
    return switch (compression) {
      case Compression.None n -> new FixedCompression(null, "compression disabled by the caller");
      case Compression.Zstd z -> new FixedCompression(z.level(), "level fixed by the caller");
      case Compression.Auto a -> new AdaptiveCompression(ticker, streams, SettledLevels.SHARED, peer, kind);
    };
  }
}
