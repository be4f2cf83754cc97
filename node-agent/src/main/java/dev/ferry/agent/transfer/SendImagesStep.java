package dev.ferry.agent.transfer;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.checkpoint.MigrationContext;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.transfer.RootfsPass;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.grpc.RootfsSync;
import dev.ferry.transfer.grpc.TreeSender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Source side of a migration's data: streams one image directory to the target agent's Transfer
 * service, with the token the target issued. The container's root filesystem goes in two passes:
 * a first one while the container still runs, then with the final images (the container is frozen
 * or dumped by then, so the rootfs is the one its images expect) only what changed since. Without
 * a first pass of the same migration on this node, the final images carry the whole tree. A
 * pre-copy round sends its pages only.
 */
public final class SendImagesStep {
  /** Progress of the whole send: root filesystem and images together. */
  public record Progress(long rawBytes, long wireBytes, int files, String compression, String compressionReason, boolean done) {}

  private final String node;
  private final NodeLayout layout;
  private final ContainerManager containers;
  private final PeerChannels peers;
  private final RootfsFirstPasses firstPasses = new RootfsFirstPasses();

  public SendImagesStep(String node, NodeLayout layout, ContainerManager containers, PeerChannels peers) {
    this.node = node;
    this.layout = layout;
    this.containers = containers;
    this.peers = peers;
  }

  /** What a send carries: a pre-copy round's pages, or the final images with the root filesystem. */
  public enum Contents { PRECOPY_ROUND, FINAL }

  /** The first pass of the container's root filesystem, while it runs: the target keeps it apart until the delta. */
  public Progress sendRootfs(MigrationContext ctx, ContainerId id, String targetAddress, String token,
      TransferOptions options, Consumer<Progress> progress) {
    containers.require(id);
    requireTarget(targetAddress, token);
    try {
      RootfsPass pass = RootfsSync.fullPass(peers.to(targetAddress), request(ctx, layout.rootfs(id), token,
          AgentAdmission.ROOTFS_FIRST_PASS, TransferKind.ROOTFS_FULL, options), s -> progress.accept(of(s, null, false)));
      firstPasses.remember(id, ctx.migrationId(), pass);
      return of(pass.stats(), null, true);
    } catch (TransferException e) {
      throw failed(id, targetAddress, e);
    }
  }

  /** The container is gone from this node: no final send will need its first pass. */
  public void forgetFirstPass(ContainerId id) {
    firstPasses.forget(id);
  }

  public Progress send(MigrationContext ctx, ContainerId id, String imageId, Contents contents, String targetAddress,
      String token, TransferOptions options, Consumer<Progress> progress) {
    containers.require(id);
    requireTarget(targetAddress, token);
    Path images = layout.images(id, imageId);
    if (!Files.isDirectory(images)) {
      throw new AgentException(FailureReason.WRONG_STATE, "container '" + id + "' has no images '" + imageId + "' on this node");
    }
    var channel = peers.to(targetAddress);
    try {
      TransferStats rootfs = contents == Contents.FINAL
          ? finalRootfs(ctx, id, channel, token, options, s -> progress.accept(of(s, null, false)))
          : null;
      TransferKind kind = contents == Contents.FINAL ? TransferKind.IMAGES : TransferKind.PRECOPY_ROUND;
      TransferStats imgs = TreeSender.send(channel, request(ctx, images, token, AgentAdmission.images(imageId), kind, options),
          s -> progress.accept(of(rootfs, s, false)));
      if (contents == Contents.FINAL) {
        firstPasses.forget(id, ctx.migrationId()); // a send again after this carries the whole tree
      }
      return of(rootfs, imgs, true);
    } catch (TransferException e) {
      throw failed(id, targetAddress, e);
    }
  }

  /** After freeze: what changed since this migration's first pass, or the whole tree if it had none here. */
  private TransferStats finalRootfs(MigrationContext ctx, ContainerId id, io.grpc.Channel channel, String token,
      TransferOptions options, Consumer<TransferStats> progress) {
    SendRequest whole = request(ctx, layout.rootfs(id), token, AgentAdmission.ROOTFS, TransferKind.ROOTFS_FULL, options);
    return firstPasses.of(id, ctx.migrationId())
        .map(first -> RootfsSync.deltaPass(channel, whole, first, progress).stats())
        .orElseGet(() -> TreeSender.send(channel, whole, progress));
  }

  private SendRequest request(MigrationContext ctx, Path source, String token, String destination, TransferKind kind,
      TransferOptions options) {
    return new SendRequest(source, ctx.migrationId(), token, node, destination, kind, options);
  }

  private static void requireTarget(String targetAddress, String token) {
    if (targetAddress == null || targetAddress.isBlank() || token == null || token.isBlank()) {
      throw AgentException.invalid("sending to the target needs its address and its transfer token");
    }
  }

  private static AgentException failed(ContainerId id, String targetAddress, TransferException e) {
    return new AgentException(reasonOf(e), "sending container '" + id + "' to " + targetAddress
        + " failed (" + e.reason() + "): " + e.getMessage(), "", e);
  }

  private static FailureReason reasonOf(TransferException e) {
    return switch (e.reason()) {
      case IMAGE_CHECKSUM_MISMATCH -> FailureReason.IMAGE_CHECKSUM_MISMATCH;
      case DISK_FULL -> FailureReason.DISK_FULL;
      case PERMISSION_DENIED -> FailureReason.PERMISSION_DENIED;
      case INVALID_ARGUMENT -> FailureReason.INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> FailureReason.WRONG_STATE;
      case TRANSFER_FAILED, TIMEOUT, CANCELLED, INTERNAL_ERROR -> FailureReason.TRANSFER_FAILED;
    };
  }

  /** Either may be null (a round has no rootfs; the images have not started yet). */
  private static Progress of(TransferStats a, TransferStats b, boolean done) {
    long raw = (a == null ? 0 : a.rawBytes()) + (b == null ? 0 : b.rawBytes());
    long wire = (a == null ? 0 : a.wireBytes()) + (b == null ? 0 : b.wireBytes());
    int files = (a == null ? 0 : a.files()) + (b == null ? 0 : b.files());
    TransferStats last = b == null ? a : b;
    return new Progress(raw, wire, files, last.compression(), last.compressionReason(), done);
  }
}
