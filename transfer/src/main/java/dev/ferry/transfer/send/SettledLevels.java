package dev.ferry.transfer.send;

import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.TransferKind;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

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
   * One per process, keyed by the channel a transfer goes over: an agent keeps one channel per
   * peer for its life (PeerChannels), so the channel stands for the peer and the link to it. A
   * channel nobody holds any more is forgotten with it.
   */
  public static final SettledLevels SHARED = new SettledLevels(Ticker.SYSTEM);

  private record Settled(int index, long atNanos) {}

  private final Ticker ticker;
  /** Per peer: [0] for memory images, [1] for root filesystems. */
  private final Map<Object, Settled[]> byPeer = Collections.synchronizedMap(new WeakHashMap<>());

  SettledLevels(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Where a transfer of {@code kind} to {@code peer} starts on the ladder. */
  int start(Object peer, TransferKind kind) {
    Settled[] slots = byPeer.get(peer);
    Settled s = slots == null ? null : slots[slot(kind)];
    return s != null && ticker.nanos() - s.atNanos() <= FORGET_AFTER_NANOS ? s.index() : LevelLadder.START;
  }

  /** A transfer of {@code kind} to {@code peer} decided on {@code index} (each decision: the last one counts). */
  void settled(Object peer, TransferKind kind, int index) {
    byPeer.computeIfAbsent(peer, p -> new Settled[2])[slot(kind)] = new Settled(index, ticker.nanos());
  }

  private static int slot(TransferKind kind) {
    return kind.carriesMemory() ? 0 : 1;
  }
}
