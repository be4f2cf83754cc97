package dev.ferry.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.codec.Codec;
import dev.ferry.transfer.codec.EncodedChunk;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A transfer starts where the last one of its kind to the same peer settled; other peers, other kinds and old news start raw. */
class SettledLevelsTest {
  private static final int CHUNK = 1 << 20;
  private final AtomicLong now = new AtomicLong();
  private final SettledLevels settled = new SettledLevels(now::get);
  private final Object peerA = new Object();
  private final Object peerB = new Object();

  /** One decision period: compressible chunks (half size) with these timings, or raw ones when the level is none. */
  private void period(AdaptiveCompression policy, long compressNanos, long sendNanos, long rawSendNanos) {
    long start = now.get();
    for (int i = 0; i < AdaptiveCompression.MIN_CHUNKS || now.get() - start < AdaptiveCompression.PERIOD_NANOS; i++) {
      Integer level = policy.level();
      EncodedChunk chunk = level == null
          ? new EncodedChunk(Codec.NONE, 0, new byte[0], CHUNK, CHUNK, 0)
          : new EncodedChunk(Codec.ZSTD, level, new byte[0], CHUNK / 2, CHUNK, 0);
      long send = level == null ? rawSendNanos : sendNanos;
      long compress = level == null ? 100_000 : compressNanos;
      now.addAndGet(compress + send);
      policy.record(chunk, level, compress, send);
    }
  }

  /** A transfer over a slow link of compressible data: it climbs to zstd 3. */
  private void slowLinkTransfer(Object peer) {
    AdaptiveCompression policy = new AdaptiveCompression(now::get, 1, settled, peer, TransferKind.IMAGES);
    for (int period = 0; period < 6; period++) {
      for (int i = 0; i < 10; i++) {
        Integer level = policy.level();
        EncodedChunk chunk = level == null
            ? new EncodedChunk(Codec.NONE, 0, new byte[0], CHUNK, CHUNK, 0)
            : new EncodedChunk(Codec.ZSTD, level, new byte[0], CHUNK / 2, CHUNK, 0);
        now.addAndGet(24_000_000);
        policy.record(chunk, level, level == null ? 100_000 : 4_000_000, 20_000_000);
      }
    }
    assertThat(policy.level()).isEqualTo(3);
  }

  @Test
  void theNextTransferToThePeerStartsAtTheSettledLevelOthersStartRaw() {
    slowLinkTransfer(peerA);

    AdaptiveCompression next = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    assertThat(next.level()).isEqualTo(3);
    assertThat(next.reason()).contains("starting level zstd 3, where the last transfer of its kind to this peer settled");
    AdaptiveCompression elsewhere = new AdaptiveCompression(now::get, 1, settled, peerB, TransferKind.IMAGES);
    elsewhere.level(); // the first chunk of a raw start is a probe
    assertThat(elsewhere.level()).isNull();
  }

  @Test
  void imagesAndRootFilesystemsSettleApartAndAPrecopyRoundStartsWhereImagesSettled() {
    slowLinkTransfer(peerA);

    AdaptiveCompression rootfs = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.ROOTFS_FULL);
    rootfs.level();
    assertThat(rootfs.level()).isNull();
    assertThat(new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.PRECOPY_ROUND).level()).isEqualTo(3);
  }

  @Test
  void aSettledLevelIsForgottenAfterTenMinutes() {
    slowLinkTransfer(peerA);
    now.addAndGet(SettledLevels.FORGET_AFTER_NANOS + 1);

    AdaptiveCompression later = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    later.level();
    assertThat(later.level()).isNull();
    assertThat(later.reason()).contains("starting level none (");
  }

  @Test
  void aStartFromThePeerIsCheckedAgainstNoneAndKeptWhenNoneCarriesLess() {
    slowLinkTransfer(peerA);
    AdaptiveCompression next = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    period(next, 4_000_000, 20_000_000, 40_000_000); // the same slow link: raw would carry half
    assertThat(next.reason()).contains("checking none against zstd 3");
    period(next, 4_000_000, 20_000_000, 40_000_000);
    assertThat(next.reason()).contains("reverted none -> zstd 3");
    assertThat(next.level()).isEqualTo(3);
  }

  @Test
  void aTransferThatEndsWhileCheckingNoneLeavesTheLevelItStartedFrom() {
    slowLinkTransfer(peerA);
    AdaptiveCompression shortOne = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    period(shortOne, 4_000_000, 20_000_000, 40_000_000);
    assertThat(shortOne.reason()).contains("checking none against zstd 3");
    // It ends here, before the check's period: none has not shown that it carries more.
    AdaptiveCompression next = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    assertThat(next.level()).isEqualTo(3);
  }

  @Test
  void aStartFromThePeerGivesWayToNoneWhenNoneCarriesMore() {
    slowLinkTransfer(peerA);
    AdaptiveCompression next = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    period(next, 4_000_000, 1_000_000, 1_500_000); // now compressing is the slow part
    assertThat(next.reason()).contains("checking none against zstd 3");
    period(next, 4_000_000, 1_000_000, 1_500_000);
    assertThat(next.reason()).doesNotContain("reverted");
    assertThat(next.description()).startsWith("none");
    AdaptiveCompression after = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    after.level(); // the first chunk of a raw start is a probe
    assertThat(after.level()).isNull(); // the check finished: none is what settled
  }

  @Test
  void noneThatLostAgainstTheStartIsNotCheckedAgainForAMinute() {
    slowLinkTransfer(peerA);
    AdaptiveCompression first = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    period(first, 4_000_000, 20_000_000, 40_000_000);
    period(first, 4_000_000, 20_000_000, 40_000_000);
    assertThat(first.reason()).contains("reverted none -> zstd 3");

    AdaptiveCompression second = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    period(second, 4_000_000, 20_000_000, 40_000_000);
    assertThat(second.reason()).doesNotContain("checking none")
        .contains("none not checked: it carried less than zstd 3 to this peer within the last 60 s");
    assertThat(second.level()).isEqualTo(3);
    AdaptiveCompression rootfs = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.ROOTFS_FULL);
    assertThat(settled.noneLostLately(peerA, TransferKind.ROOTFS_FULL, 4)).isFalse(); // another kind learned nothing
    assertThat(rootfs.level()).isEqualTo(AdaptiveCompression.PROBE_LEVEL);

    now.addAndGet(SettledLevels.NONE_LOSS_TRUSTED_NANOS + 1);
    AdaptiveCompression later = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    period(later, 4_000_000, 20_000_000, 40_000_000);
    assertThat(later.reason()).contains("checking none against zstd 3");
  }

  @Test
  void noneThatLostAgainstAnotherLevelIsCheckedAgain() {
    settled.noneLost(peerA, TransferKind.IMAGES, 1);
    slowLinkTransfer(peerA); // settles at zstd 3
    AdaptiveCompression next = new AdaptiveCompression(now::get, 1, settled, peerA, TransferKind.IMAGES);
    period(next, 4_000_000, 20_000_000, 40_000_000);
    assertThat(next.reason()).contains("checking none against zstd 3");
  }
}
