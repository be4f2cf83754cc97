package dev.ferry.transfer.grpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/** Counters shared by the streams of one transfer, read for progress and the final statistics. */
final class SendCounters {
  final AtomicLong sentRawBytes = new AtomicLong();
  final AtomicLong wireBytes = new AtomicLong();
  final AtomicInteger reconnects = new AtomicInteger();
  final AtomicInteger filesVerified = new AtomicInteger();
  final LongAccumulator peakInFlight = new LongAccumulator(Math::max, 0);
  /** Files gone (or symbolic links now) between the walk and their send, sent empty. */
  final Set<String> sentEmpty = ConcurrentHashMap.newKeySet();

  void inFlight(long bytes) {
    peakInFlight.accumulate(bytes);
  }
}
