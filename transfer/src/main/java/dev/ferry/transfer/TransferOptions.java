package dev.ferry.transfer;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of one transfer.
 *
 * @param compression            how chunks are compressed
 * @param parallelStreams        gRPC calls that carry files at once (and cores that compress)
 * @param bandwidthBytesPerSecond cap on bytes on the wire for the whole transfer, 0 for none
 * @param windowBytes            unacknowledged bytes per stream: bounds memory on both sides
 * @param chunkBytes             raw bytes per chunk
 * @param maxAttempts            calls opened per stream before a broken connection is fatal
 * @param stallTimeout           no acknowledgement for this long breaks the call (and resumes it)
 */
public record TransferOptions(
    Compression compression,
    int parallelStreams,
    long bandwidthBytesPerSecond,
    int windowBytes,
    int chunkBytes,
    int maxAttempts,
    Duration stallTimeout) {

  // Below G1's humongous-object threshold (half a region, >= 512 KiB): chunk arrays stay cheap young garbage.
  public static final int DEFAULT_CHUNK = 256 << 10;
  public static final int DEFAULT_WINDOW = 8 << 20;
  /** The largest chunk a sender may cut, so the largest raw length a receiver accepts (it allocates that much). */
  public static final int MAX_CHUNK = 16 << 20;

  public TransferOptions {
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(stallTimeout, "stallTimeout");
    require(parallelStreams >= 1 && parallelStreams <= 64, "parallelStreams must be in [1, 64]", parallelStreams);
    require(bandwidthBytesPerSecond >= 0, "bandwidthBytesPerSecond must be >= 0", bandwidthBytesPerSecond);
    require(chunkBytes >= 4096 && chunkBytes <= MAX_CHUNK, "chunkBytes must be in [4 KiB, 16 MiB]", chunkBytes);
    require(windowBytes >= 2L * chunkBytes, "windowBytes must hold at least two chunks (" + 2L * chunkBytes + ")", windowBytes);
    require(maxAttempts >= 1, "maxAttempts must be >= 1", maxAttempts);
    require(!stallTimeout.isNegative() && !stallTimeout.isZero(), "stallTimeout must be positive", stallTimeout.toMillis());
  }

  private static void require(boolean ok, String what, long value) {
    if (!ok) {
      throw new IllegalArgumentException(what + ", was " + value);
    }
  }

  /**
   * Four streams: a tree of small files costs both ends syscalls per file (open, create, close),
   * and more calls than cores keep the cores busy while others wait in them. On this project's
   * 2-core machines a 20,000-file tree moved 10-15% faster on four than on two; a single large
   * file moves on one stream either way.
   */
  public static final int DEFAULT_STREAMS = 4;

  /** Adaptive compression, {@link #DEFAULT_STREAMS} streams, no cap, 8 MiB window of 256 KiB chunks. */
  public static TransferOptions defaults() {
    return new TransferOptions(Compression.auto(), DEFAULT_STREAMS, 0, DEFAULT_WINDOW, DEFAULT_CHUNK, 10, Duration.ofSeconds(60));
  }

  public TransferOptions withCompression(Compression c) {
    return new TransferOptions(c, parallelStreams, bandwidthBytesPerSecond, windowBytes, chunkBytes, maxAttempts, stallTimeout);
  }

  public TransferOptions withParallelStreams(int n) {
    return new TransferOptions(compression, n, bandwidthBytesPerSecond, windowBytes, chunkBytes, maxAttempts, stallTimeout);
  }

  public TransferOptions withBandwidth(long bytesPerSecond) {
    return new TransferOptions(compression, parallelStreams, bytesPerSecond, windowBytes, chunkBytes, maxAttempts, stallTimeout);
  }

  public TransferOptions withWindow(int bytes) {
    return new TransferOptions(compression, parallelStreams, bandwidthBytesPerSecond, bytes, chunkBytes, maxAttempts, stallTimeout);
  }

  public TransferOptions withChunkBytes(int bytes) {
    return new TransferOptions(compression, parallelStreams, bandwidthBytesPerSecond, windowBytes, bytes, maxAttempts, stallTimeout);
  }

  public TransferOptions withMaxAttempts(int n) {
    return new TransferOptions(compression, parallelStreams, bandwidthBytesPerSecond, windowBytes, chunkBytes, n, stallTimeout);
  }

  public TransferOptions withStallTimeout(Duration d) {
    return new TransferOptions(compression, parallelStreams, bandwidthBytesPerSecond, windowBytes, chunkBytes, maxAttempts, d);
  }
}
