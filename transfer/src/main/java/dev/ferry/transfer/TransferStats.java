package dev.ferry.transfer;

import java.time.Duration;
import java.util.Set;

/**
 * What a transfer did (also reported as progress while it runs).
 *
 * @param rawBytes          bytes of file content in the tree
 * @param sentRawBytes      file content actually sent, resends after a reconnect included
 * @param wireBytes         frame bytes handed to gRPC (compressed chunks and metadata)
 * @param files             regular files sent (hardlinks not counted)
 * @param entries           all entries: files, directories, links, special files
 * @param duration          time since the transfer started
 * @param streams           parallel streams used
 * @param reconnects        calls opened again after a broken connection
 * @param peakInFlightBytes the highest unacknowledged byte count of any stream (bounded by the window)
 * @param compression       the compression used most, e.g. "zstd -1"
 * @param compressionReason why it was chosen
 * @param sentEmpty         files gone (or symbolic links now) between the walk and their send, sent empty (only a whole root filesystem
 *                          read while the container runs allows it): the target's copy is not what the walk saw
 */
public record TransferStats(
    long rawBytes,
    long sentRawBytes,
    long wireBytes,
    int files,
    int entries,
    Duration duration,
    int streams,
    int reconnects,
    long peakInFlightBytes,
    String compression,
    String compressionReason,
    Set<String> sentEmpty) {

  public TransferStats {
    sentEmpty = Set.copyOf(sentEmpty);
  }

  /** Raw megabytes (10^6) per second of file content. */
  public double rawMegabytesPerSecond() {
    double seconds = Math.max(duration.toNanos(), 1) / 1e9;
    return rawBytes / 1e6 / seconds;
  }
}
