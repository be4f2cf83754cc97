package dev.ferry.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.codec.Codec;
import dev.ferry.transfer.codec.EncodedChunk;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The controller on scripted measurements: a fake clock, no compression, no sleeping. */
class AdaptiveCompressionTest {
  private static final int CHUNK = 1 << 20;
  private final AtomicLong now = new AtomicLong();
  private final AdaptiveCompression policy = new AdaptiveCompression(now::get, 1);

  /** One decision period of chunks with the given compressed size and timings. */
  private void period(int wireBytes, long compressNanos, long sendNanos) {
    long chunks = Math.max(AdaptiveCompression.MIN_CHUNKS, AdaptiveCompression.PERIOD_NANOS / (compressNanos + sendNanos) + 1);
    for (int i = 0; i < chunks; i++) {
      Integer level = policy.level();
      EncodedChunk chunk = level == null
          ? new EncodedChunk(Codec.NONE, 0, new byte[0], CHUNK, CHUNK, 0)
          : new EncodedChunk(wireBytes < CHUNK ? Codec.ZSTD : Codec.NONE, level, new byte[0], wireBytes, CHUNK, 0);
      now.addAndGet(compressNanos + sendNanos);
      policy.record(chunk, level, level == null ? 100_000 : compressNanos, sendNanos);
    }
  }

  @Test
  void startsRawWithAProbe() {
    assertThat(policy.level()).isEqualTo(AdaptiveCompression.PROBE_LEVEL);
    assertThat(policy.level()).isNull();
    assertThat(policy.reason()).contains("starting level none");
  }

  @Test
  void aSlowLinkRaisesTheLevelToThree() {
    for (int i = 0; i < 6; i++) {
      period(CHUNK / 2, 4_000_000, 20_000_000); // waiting 5x longer for the link than compressing
    }
    assertThat(policy.level()).isEqualTo(3);
    assertThat(policy.reason()).contains("link-bound").contains("MB/s");
  }

  @Test
  void aFastLinkLowersTheLevelToNone() {
    for (int i = 0; i < 6; i++) {
      period(CHUNK * 2 / 3, 4_000_000, 200_000); // the link waits for the compressor
    }
    assertThat(policy.level()).isIn(null, -1); // none, or the periodic probe
    assertThat(policy.reason()).contains("kept none");
  }

  @Test
  void leavesNoneWhenCompressingWouldCarryMoreOverASlowLink() {
    for (int i = 0; i < 6; i++) {
      period(CHUNK * 2 / 3, 4_000_000, 200_000);
    }
    // Now the link slows down (another tenant, a WAN): 20 ms per raw chunk, ~50 MB/s.
    for (int i = 0; i < 3; i++) {
      period(CHUNK / 3, 4_000_000, 20_000_000);
    }
    assertThat(policy.level()).isNotNull();
    assertThat(policy.reason()).contains("link-bound");
  }

  @Test
  void incompressibleDataGoesRawAndStaysRawOnASlowLink() {
    period(CHUNK, 4_000_000, 20_000_000);
    assertThat(policy.reason()).contains("incompressible");
    for (int i = 0; i < 5; i++) {
      period(CHUNK, 4_000_000, 20_000_000);
    }
    // Probes keep failing to compress, so the slow link does not tempt it back to zstd.
    assertThat(policy.description()).startsWith("none (bytes: none");
    int probes = 0;
    for (int i = 0; i < 32; i++) {
      if (policy.level() != null) {
        probes++;
      }
    }
    assertThat(probes).isEqualTo(2);
  }

  @Test
  void aMoveThatMakesTheTransferSlowerIsUndone() {
    // Raw and "link-bound", and the probes say compressing would carry more ...
    period(CHUNK, 100_000, 20_000_000);
    period(CHUNK / 2, 4_000_000, 20_000_000);
    Integer raised = policy.level();
    assertThat(policy.reason()).contains("raised none");
    // ... but once compressing, every chunk takes far longer (the receiver shared our cores).
    period(CHUNK / 2, 60_000_000, 20_000_000);
    assertThat(policy.reason()).contains("reverted").contains("raw throughput fell");
    assertThat(raised).isNotNull();
    assertThat(policy.level()).isIn(null, AdaptiveCompression.PROBE_LEVEL);
    period(CHUNK / 2, 4_000_000, 20_000_000);
    assertThat(policy.reason()).contains("holding none");
  }

  @Test
  void zeroChunksDoNotCount() {
    for (int i = 0; i < 100; i++) {
      now.addAndGet(1_000_000_000L);
      policy.record(new EncodedChunk(Codec.ZERO, 0, new byte[0], 0, CHUNK, 0), 1, 0, 0);
    }
    assertThat(policy.reason()).contains("starting level");
  }
}
