package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.capability.HostFacts;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.runtime.ContainerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Target side, before any byte arrives: room for the container, enough disk, and an admission for its images. */
public final class PrepareRestoreStep {
  private final NodeLayout layout;
  private final ContainerManager containers;
  private final Admissions admissions;

  public PrepareRestoreStep(NodeLayout layout, ContainerManager containers, Admissions admissions) {
    this.layout = layout;
    this.containers = containers;
    this.admissions = admissions;
  }

  public record Prepared(String imageId, String token) {}

  public Prepared prepare(MigrationContext ctx, ContainerId id, String sourceNode, long expectedBytes, String imageId) {
    if (sourceNode == null || sourceNode.isBlank()) {
      throw AgentException.invalid("prepare-restore needs the source node's name");
    }
    containers.find(id).ifPresent(existing -> {
      if (!ctx.migrationId().equals(existing.migrationId())) {
        throw new AgentException(FailureReason.CONTAINER_EXISTS,
            "container '" + id + "' already exists on this node; refusing to restore a second copy");
      }
    });
    long free = HostFacts.diskAvailable(layout.stateDir());
    if (expectedBytes > 0 && free < expectedBytes) {
      throw new AgentException(FailureReason.CAPABILITY_MISSING, "not enough disk for container '" + id + "': "
          + (expectedBytes >> 20) + " MiB expected, " + (free >> 20) + " MiB free under " + layout.stateDir());
    }
    try {
      // The transfer receiver creates the rootfs and image directories itself, complete or not at all.
      Files.createDirectories(layout.images(id, imageId).getParent());
      Files.createDirectories(layout.work(id, imageId));
      Files.createDirectories(layout.bundle(id));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare directories for " + id, e);
    }
    return new Prepared(imageId, admissions.open(ctx.migrationId(), id.value(), sourceNode, imageId).token());
  }
}
