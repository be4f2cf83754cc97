package dev.ferry.transfer.send;

import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.TransferKind;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.UnaryOperator;

/**
 * The level adaptive compression last settled on per peer, so the next transfer to that peer
 * starts there instead of at "none": a root filesystem of small files ends within one or two
 * measurement periods, too soon to climb, and crossed a 1 Gbit/s link raw (3.8x the bytes of
 * tar|zstd). Memory images and root filesystems settle apart: their data differs (small text
 * files compress well and cost per file, pages stream), and a migration sends both to the same
 * peer, so one would start the other at a level it never chose. Forgotten after
 * {@link #FORGET_AFTER_NANOS}: links and neighbours change. The controller still adapts from
 * there: a wrong start costs one period.
 */
public final class SettledLevels {
  static final long FORGET_AFTER_NANOS = 10 * 60 * 1_000_000_000L;
  /**
   * How long "none carried less than this level" is trusted: a start from the peer's level skips
   * its check against none meanwhile. That check costs a whole period raw, which on a 1 Gbit/s
   * link is 24 MB of a root filesystem that zstd shrinks fourfold (62 MB crossed instead of 38).
   * A drain moving one container after another checks once a minute.
   */
  static final long NONE_LOSS_TRUSTED_NANOS = 60 * 1_000_000_000L;

  /**
   * One per process, keyed by the channel a transfer goes over: an agent keeps one channel per
   * peer for its life (PeerChannels), so the channel stands for the peer and the link to it. A
   * channel nobody holds any more is forgotten with it.
   */
  public static final SettledLevels SHARED = new SettledLevels(Ticker.SYSTEM);

  /** Where transfers settled, and the last time none, tried instead of {@code noneLostTo}, carried less (-1: never). */
  private record Settled(int index, long atNanos, int noneLostTo, long noneLostAtNanos) {
    static final Settled NOTHING = new Settled(LevelLadder.START, Long.MIN_VALUE, -1, Long.MIN_VALUE);
  }

  private final Ticker ticker;
  /** Per peer: [0] for memory images, [1] for root filesystems. */
  private final Map<Object, Settled[]> byPeer = Collections.synchronizedMap(new WeakHashMap<>());

  SettledLevels(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Where a transfer of {@code kind} to {@code peer} starts on the ladder. */
  int start(Object peer, TransferKind kind) {
    Settled s = of(peer, kind);
    return s != null && within(s.atNanos(), FORGET_AFTER_NANOS) ? s.index() : LevelLadder.START;
  }

  /** A transfer of {@code kind} to {@code peer} decided on {@code index} (each decision: the last one counts). */
  void settled(Object peer, TransferKind kind, int index) {
    update(peer, kind, s -> new Settled(index, ticker.nanos(), s.noneLostTo(), s.noneLostAtNanos()));
  }

  /** A transfer of {@code kind} to {@code peer} tried none instead of {@code index} and went back: none carried less. */
  void noneLost(Object peer, TransferKind kind, int index) {
    update(peer, kind, s -> new Settled(s.index(), s.atNanos(), index, ticker.nanos()));
  }

  /** Whether none lost against {@code index} lately, on this peer and kind: then checking it again would cost a period for nothing. */
  boolean noneLostLately(Object peer, TransferKind kind, int index) {
    Settled s = of(peer, kind);
    return s != null && s.noneLostTo() == index && within(s.noneLostAtNanos(), NONE_LOSS_TRUSTED_NANOS);
  }

  /** What is known of transfers of {@code kind} to {@code peer}, or null. */
  private Settled of(Object peer, TransferKind kind) {
    Settled[] slots = byPeer.get(peer);
    return slots == null ? null : slots[slot(kind)];
  }

  /** Whether {@code atNanos} (Long.MIN_VALUE: never) lies within the last {@code windowNanos}. */
  private boolean within(long atNanos, long windowNanos) {
    return atNanos != Long.MIN_VALUE && ticker.nanos() - atNanos <= windowNanos;
  }

  private void update(Object peer, TransferKind kind, UnaryOperator<Settled> change) {
    synchronized (byPeer) {
      Settled[] slots = byPeer.computeIfAbsent(peer, p -> new Settled[2]);
      Settled s = slots[slot(kind)];
      slots[slot(kind)] = change.apply(s == null ? Settled.NOTHING : s);
    }
  }

  private static int slot(TransferKind kind) {
    return kind.carriesMemory() ? 0 : 1;
  }
}
