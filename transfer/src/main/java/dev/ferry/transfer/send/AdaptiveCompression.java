package dev.ferry.transfer.send;

import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.codec.Codec;
import dev.ferry.transfer.codec.EncodedChunk;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Picks the zstd level from what it measures, over periods of {@link #PERIOD_NANOS}: if the
 * streams spend most of their time waiting for the link, compressing harder costs nothing and
 * saves wire, so it climbs; if they spend it compressing, the link is idle, so it descends. Data
 * that does not compress sends raw, with an occasional probe in case it changes (leaving "none"
 * needs a probe that compressed).
 */
final class AdaptiveCompression implements CompressionPolicy {
  static final long PERIOD_NANOS = 200_000_000L;
  static final int MIN_CHUNKS = 8;
  static final double LINK_BOUND = 0.6;
  static final double CPU_BOUND = 0.25;
  static final double INCOMPRESSIBLE = 0.95;
  static final int PROBE_EVERY = 16;
  static final int PROBE_LEVEL = -1;

  static final double WORTH_LEAVING_NONE = 1.2;
  /** Between zstd levels only the ratio improves (a few percent): a smaller margin. */
  static final double WORTH_CLIMBING = 1.03;
  /** A move that lowers raw throughput by more than this is undone (the link was really the CPU). */
  static final double WORSE = 0.95;
  static final int HOLD_PERIODS = 10;
  /** How long a level's measured throughput is trusted (periods: 50 = 10 s) before it may be tried again. */
  static final int FORGET_PERIODS = 50;

  private final Ticker ticker;
  private final int streams;
  private final SettledLevels settledLevels;
  private final Object peer;
  private final TransferKind kind;
  /** Where this transfer started on the ladder: above "none" when the last one over the channel settled there. */
  private final int startIndex;
  private final Map<Integer, Long> rawBytesByLevel = new HashMap<>();
  private final LevelMemory memory = new LevelMemory(LevelLadder.LEVELS.size(), FORGET_PERIODS);
  private long period;
  private int worseStreak;
  private int index;
  private long periodStart;
  private long chunks;
  private long compressNanos;
  private long sendNanos;
  private long rawCompressed;
  private long wireCompressed;
  private long wireBytes;
  private long rawBytes;
  private long handedOut;
  private int movedFrom = -1;
  private double rateBeforeMove;
  private int hold;
  /** This period tries none instead of the level the transfer started from (the peer's). */
  private boolean checkingNone;
  private String reason;

  AdaptiveCompression(Ticker ticker, int streams) {
    this(ticker, streams, new SettledLevels(ticker), new Object(), TransferKind.IMAGES);
  }

  /** Starts where the last transfer of its kind to {@code peer} settled, and leaves its own decisions there. */
  AdaptiveCompression(Ticker ticker, int streams, SettledLevels settledLevels, Object peer, TransferKind kind) {
    this.ticker = ticker;
    this.streams = streams;
    this.settledLevels = settledLevels;
    this.peer = peer;
    this.kind = kind;
    this.index = settledLevels.start(peer, kind);
    this.startIndex = index;
    this.periodStart = ticker.nanos();
  }

  @Override
  public synchronized Integer level() {
    Integer level = LevelLadder.LEVELS.get(index);
    if (level == null && handedOut++ % PROBE_EVERY == 0) {
      return PROBE_LEVEL; // sampling: does the data compress now?
    }
    return level;
  }

  @Override
  public synchronized void record(EncodedChunk chunk, Integer tried, long compress, long send) {
    if (chunk.codec() == Codec.ZERO) {
      return; // zero pages are free at every level: they say nothing about the choice
    }
    rawBytesByLevel.merge(chunk.codec() == Codec.ZSTD ? tried : null, (long) chunk.rawLength(), Long::sum);
    chunks++;
    compressNanos += compress;
    sendNanos += send;
    wireBytes += chunk.dataLength();
    rawBytes += chunk.rawLength();
    if (tried != null) {
      rawCompressed += chunk.rawLength();
      wireCompressed += chunk.dataLength();
    }
    long now = ticker.nanos();
    if (chunks >= MIN_CHUNKS && now - periodStart >= PERIOD_NANOS) {
      decide(now);
    }
  }

  private String measured(long now) {
    return "streams waited %.0f%% of their time for the link (%.0f MB/s on the wire), compression ran at %.0f MB/s per stream with ratio %.2f"
        .formatted(100 * waitShare(), wireRate(now), compressRate(), ratio());
  }

  private double waitShare() {
    return sendNanos / (double) Math.max(1, sendNanos + compressNanos);
  }

  private double ratio() {
    return rawCompressed == 0 ? 1.0 : wireCompressed / (double) rawCompressed;
  }

  private double wireRate(long now) {
    return wireBytes / (Math.max(1, now - periodStart) / 1e9) / 1e6;
  }

  private double compressRate() {
    return rawCompressed / Math.max(1e-9, compressNanos / 1e9) / 1e6;
  }

  private void decide(long now) {
    double waitShare = waitShare();
    double ratio = ratio();
    double wireRate = wireRate(now);
    double compressRate = compressRate();
    double rawRate = rawBytes / (Math.max(1, now - periodStart) / 1e9) / 1e6;
    String current = LevelLadder.describe(LevelLadder.LEVELS.get(index));
    String measured = measured(now);
    int before = index;
    memory.remember(index, period, rawRate);
    checkingNone = false;
    if (movedFrom >= 0 && rawRate < WORSE * rateBeforeMove) {
      // The last move made the transfer slower: what looked like a slow link was a busy CPU
      // (on loopback the receiver shares the cores). Undo it and stay a while.
      if (index == LevelLadder.START) {
        settledLevels.noneLost(peer, kind, movedFrom);
      }
      index = movedFrom;
      hold = HOLD_PERIODS;
      reason = "reverted %s -> %s: raw throughput fell from %.0f to %.0f MB/s; %s"
          .formatted(current, LevelLadder.describe(LevelLadder.LEVELS.get(index)), rateBeforeMove, rawRate, measured);
      movedFrom = -1;
      reset(now);
      return;
    }
    if (period == 0 && startedFromPeer() && !settledLevels.noneLostLately(peer, kind, startIndex)) {
      // The start came from the last transfer over this channel, on other data: check it against
      // "none" once, as a climb from none would have. On loopback a start at zstd 1 otherwise held
      // 237 MB/s where none carries 396 (the link looks busy while the receiver is).
      checkingNone = true;
      index = LevelLadder.START;
      movedFrom = before;
      rateBeforeMove = rawRate;
      reason = "checking none against %s, where the last transfer of its kind to this peer settled: %s".formatted(current, measured);
      reset(now);
      return;
    }
    movedFrom = -1;
    int better = memory.bestBelow(index, period);
    boolean belowCarriedMore = better >= 0 && rawRate < WORSE * memory.recall(better, period).orElseThrow();
    worseStreak = belowCarriedMore ? worseStreak + 1 : 0;
    if (worseStreak >= 2) { // two periods in a row, not one noisy one
      // A cheaper level carried clearly more a moment ago: the climb lost a little at each step.
      index = better;
      worseStreak = 0;
      hold = HOLD_PERIODS;
      reason = "lowered %s -> %s: it carried %.0f MB/s raw lately, %s carries %.0f; %s".formatted(current,
          LevelLadder.describe(LevelLadder.LEVELS.get(index)), memory.recall(better, period).orElseThrow(), current, rawRate, measured);
      reset(now);
      return;
    }
    if (hold > 0 && !(rawCompressed > 0 && ratio > INCOMPRESSIBLE)) {
      hold--;
      reason = "holding %s after a move that did not pay: %s".formatted(current, measured);
      reset(now);
      return;
    }
    if (rawCompressed > 0 && ratio > INCOMPRESSIBLE) {
      index = 0;
      reason = "data is incompressible (ratio %.2f), sending raw: %s".formatted(ratio, measured);
    } else if (index == 0 && waitShare > LINK_BOUND) {
      // Raw and link-bound: the link carries wireRate of raw bytes. The probes say what
      // compressing would give: the streams compress streams*compressRate, the link carries wireRate/ratio.
      double projected = rawCompressed == 0 ? 0 : Math.min(streams * compressRate, wireRate / ratio);
      OptionalDouble tried = memory.recall(index + 1, period);
      if (tried.isPresent() && tried.getAsDouble() < WORTH_CLIMBING * rawRate) {
        reason = "link-bound, but %s carried only %.0f MB/s raw when last tried (none carries %.0f), kept none: %s"
            .formatted(LevelLadder.describe(LevelLadder.LEVELS.get(index + 1)), tried.getAsDouble(), rawRate, measured);
      } else if (projected > WORTH_LEAVING_NONE * wireRate) {
        index++;
        reason = "link-bound, compressing would carry %.0f MB/s instead of %.0f, raised none -> %s: %s"
            .formatted(projected, wireRate, LevelLadder.describe(LevelLadder.LEVELS.get(index)), measured);
      } else {
        reason = "link-bound, but compressing would not carry more (%.0f MB/s projected), kept none: %s".formatted(projected, measured);
      }
    } else if (waitShare > LINK_BOUND && index < LevelLadder.LEVELS.size() - 1) {
      // Worth it only if the link, carrying wireRate, would move more raw bytes at the next level
      // than the streams move now, with the next level's (slower) compression on all streams.
      double speed = LevelLadder.relativeSpeed(index + 1) / LevelLadder.relativeSpeed(index);
      double shrink = LevelLadder.relativeRatio(index + 1) / LevelLadder.relativeRatio(index);
      double projected = Math.min(streams * compressRate * speed, wireRate / (ratio * shrink));
      OptionalDouble tried = memory.recall(index + 1, period);
      if (tried.isPresent() && tried.getAsDouble() < WORTH_CLIMBING * rawRate) {
        reason = "link-bound, kept %s: %s carried only %.0f MB/s raw when last tried, now %.0f: %s".formatted(current,
            LevelLadder.describe(LevelLadder.LEVELS.get(index + 1)), tried.getAsDouble(), rawRate, measured);
      } else if (projected > WORTH_CLIMBING * rawRate) {
        index++;
        reason = "link-bound, raised %s -> %s (projected %.0f MB/s raw instead of %.0f): %s".formatted(
            current, LevelLadder.describe(LevelLadder.LEVELS.get(index)), projected, rawRate, measured);
      } else {
        reason = "link-bound, kept %s (the next level would carry about %.0f MB/s raw, now %.0f): %s"
            .formatted(current, projected, rawRate, measured);
      }
    } else if (waitShare < CPU_BOUND && index > 0) {
      index--;
      reason = "compression-bound, lowered %s -> %s: %s".formatted(current, LevelLadder.describe(LevelLadder.LEVELS.get(index)), measured);
    } else if (waitShare > LINK_BOUND) {
      reason = "link-bound, kept %s: %s".formatted(current, measured);
    } else {
      reason = "balanced, kept %s: %s".formatted(current, measured);
    }
    if (index != before) {
      movedFrom = before;
      rateBeforeMove = rawRate;
    }
    if (period == 0 && startedFromPeer()) {
      reason += "; none not checked: it carried less than %s to this peer within the last %d s"
          .formatted(LevelLadder.describe(LevelLadder.LEVELS.get(startIndex)), SettledLevels.NONE_LOSS_TRUSTED_NANOS / 1_000_000_000L);
    }
    reset(now);
  }

  private void reset(long now) {
    // A transfer that ends during the check of none has not learned that none is better: the level it
    // started from stays settled.
    settledLevels.settled(peer, kind, checkingNone ? startIndex : index);
    period++;
    periodStart = now;
    chunks = compressNanos = sendNanos = rawCompressed = wireCompressed = wireBytes = rawBytes = 0;
  }

  /** The level in use now, and how the bytes so far were shared between levels. */
  @Override
  public synchronized String description() {
    String now = LevelLadder.describe(LevelLadder.LEVELS.get(index));
    long total = rawBytesByLevel.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return now;
    }
    String shares = rawBytesByLevel.entrySet().stream()
        .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed())
        .map(e -> "%s %d%%".formatted(LevelLadder.describe(e.getKey()), Math.round(100.0 * e.getValue() / total)))
        .collect(java.util.stream.Collectors.joining(", "));
    return now + " (bytes: " + shares + ")";
  }

  private boolean startedFromPeer() {
    return startIndex != LevelLadder.START;
  }

  @Override
  public synchronized String reason() {
    String now = LevelLadder.describe(LevelLadder.LEVELS.get(index));
    if (reason == null) {
      String so = chunks == 0 ? "no data chunk measured" : measured(ticker.nanos());
      return "adaptive, stayed at the starting level " + now + (startedFromPeer() ? ", where the last transfer of its kind to this peer settled" : "")
          + " (shorter than one measurement period; chunks that do not compress go raw regardless): " + so;
    }
    return "adaptive, now " + now + "; last decision: " + reason;
  }
}
