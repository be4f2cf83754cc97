package dev.ferry.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.codec.Codec;
import dev.ferry.transfer.codec.EncodedChunk;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The controller over many periods of a scripted world (a fake clock; each level carries a
 * fixed raw throughput), the way loopback looks: the streams always seem to wait for the link
 * (the receiver shares the cores), yet every compressed level carries a little less than none.
 * It must settle at none, not climb one small loss at a time or keep re-trying the levels.
 */
class AdaptiveSettlingTest {
  private static final int CHUNK = 1 << 20;
  private final AtomicLong now = new AtomicLong();
  private final AdaptiveCompression policy = new AdaptiveCompression(now::get, 2);
  private final Map<Integer, Long> rawBytesAt = new HashMap<>();

  /** Sends {@code seconds} of chunks; a chunk at a level takes CHUNK / rate, 70% of it waiting for the link. */
  private void run(double seconds, Map<Integer, Double> mbPerSecond) {
    long end = now.get() + (long) (seconds * 1e9);
    while (now.get() < end) {
      Integer level = policy.level();
      double rate = mbPerSecond.get(level);
      long nanos = (long) (CHUNK / rate * 1e3);
      EncodedChunk chunk = level == null
          ? new EncodedChunk(Codec.NONE, 0, new byte[0], CHUNK, CHUNK, 0)
          : new EncodedChunk(Codec.ZSTD, level, new byte[0], CHUNK / 2, CHUNK, 0);
      long compress = level == null ? 50_000 : nanos * 3 / 10;
      now.addAndGet(nanos);
      rawBytesAt.merge(level, (long) CHUNK, Long::sum);
      policy.record(chunk, level, compress, nanos - compress);
    }
  }

  private static Map<Integer, Double> rates(double none, double fast5, double fast1, double one, double three) {
    Map<Integer, Double> m = new HashMap<>();
    m.put(null, none);
    m.put(-5, fast5);
    m.put(-1, fast1);
    m.put(1, one);
    m.put(3, three);
    return m;
  }

  @Test
  void onALinkFasterThanCompressionItSettlesAtNone() {
    // Each level within 5% of the one below: a step-by-step comparison never sees a loss.
    run(30, rates(216, 210, 202, 194, 170));
    long total = rawBytesAt.values().stream().mapToLong(Long::longValue).sum();
    // None, and its 1-in-16 probes at zstd -1; a re-trial every FORGET_PERIODS costs a few percent.
    long atNone = rawBytesAt.getOrDefault(null, 0L) + rawBytesAt.getOrDefault(AdaptiveCompression.PROBE_LEVEL, 0L);
    assertThat((double) atNone / total).isGreaterThan(0.85);
    assertThat(policy.level()).isIn(null, AdaptiveCompression.PROBE_LEVEL);
  }

  @Test
  void aLevelThatJustLostIsNotTriedAgainUntilForgotten() {
    run(3, rates(216, 150, 140, 130, 100));
    assertThat(policy.reason()).contains("kept none").contains("when last tried");
    long triedBefore = rawBytesAt.getOrDefault(-5, 0L);
    run(5, rates(216, 150, 140, 130, 100));
    assertThat(rawBytesAt.getOrDefault(-5, 0L)).isEqualTo(triedBefore);
  }

  @Test
  void aLinkSlowerThanCompressionStillClimbs() {
    // A 1 Gbit/s link: none carries 110 MB/s, compressing carries nearly twice that.
    run(10, rates(110, 200, 205, 210, 160));
    long total = rawBytesAt.values().stream().mapToLong(Long::longValue).sum();
    assertThat((double) rawBytesAt.getOrDefault(null, 0L) / total).isLessThan(0.2);
    assertThat(policy.level()).isNotNull();
  }
}
