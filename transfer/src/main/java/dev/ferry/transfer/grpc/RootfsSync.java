package dev.ferry.transfer.grpc;

import dev.ferry.transfer.RootfsPass;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.tree.Manifest;
import dev.ferry.transfer.tree.TreeDelta;
import dev.ferry.transfer.tree.TreeWalker;
import io.grpc.Channel;
import java.util.function.Consumer;

/**
 * A root filesystem in two passes, as operators expect: a full copy while the container runs,
 * then after freeze only what changed (and what was deleted) since. Each pass commits into its
 * own destination on the target; the delta starts from a hardlinked copy of the full pass, so
 * the final tree is complete and the first pass is left untouched.
 */
public final class RootfsSync {
  private RootfsSync() {}

  /** First pass: the whole tree, while the container still runs. */
  public static RootfsPass fullPass(Channel channel, SendRequest request, Consumer<TransferStats> progress) {
    SendRequest full = withKind(request, TransferKind.ROOTFS_FULL);
    // The manifest is walked before sending: a file changing during the pass then differs from it
    // and is sent again by the delta.
    Manifest manifest = TreeWalker.walk(full.source());
    TransferStats stats = TreeSender.send(channel, full, () -> manifest, "", progress);
    return new RootfsPass(full.destination(), manifest, stats);
  }

  /**
   * Final pass after freeze: changed and new files, replaced links and special files, deletions.
   * {@code request.destination()} names the final tree; it must differ from the previous one.
   */
  public static RootfsPass deltaPass(Channel channel, SendRequest request, RootfsPass previous,
      Consumer<TransferStats> progress) {
    if (request.destination().equals(previous.destination())) {
      throw new IllegalArgumentException("the delta needs its own destination, not " + previous.destination());
    }
    SendRequest delta = withKind(request, TransferKind.ROOTFS_DELTA);
    Manifest now = TreeWalker.walk(delta.source());
    // A file the first pass found gone was sent empty: it goes again if it is back, whatever its size and mtime say.
    Manifest changes = TreeDelta.between(previous.manifest(), now, previous.stats().sentEmpty());
    TransferStats stats = TreeSender.send(channel, delta, () -> changes, previous.destination(), progress);
    return new RootfsPass(delta.destination(), now, stats);
  }

  private static SendRequest withKind(SendRequest r, TransferKind kind) {
    return new SendRequest(r.source(), r.migrationId(), r.token(), r.sourceNode(), r.destination(), kind, r.options());
  }
}
