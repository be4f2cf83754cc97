package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerRecord;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollback on the source: the container runs again here. A paused container is thawed; one
 * that its dump stopped is restored from its own local images. After a lazy dump whose page
 * server still waits, stopping the page server is enough: CRIU lets go of the tasks, which
 * never lost their memory, and they continue. Once the target has pulled the pages, the
 * source's memory is gone: that is post-copy's documented risk, reported as such.
 * Idempotent: a running container is left alone.
 */
public final class ResumeOnSourceStep {
  private static final Logger log = LoggerFactory.getLogger(ResumeOnSourceStep.class);

  private final NodeLayout layout;
  private final ContainerManager containers;
  private final CrunCommands crun;
  private final CpuThrottle throttle;
  private final RestoreStep restore;
  private final PageServers pageServers;

  public ResumeOnSourceStep(NodeLayout layout, ContainerManager containers, CrunCommands crun, RestoreStep restore,
      PageServers pageServers, CpuThrottle throttle) {
    this.throttle = throttle;
    this.layout = layout;
    this.containers = containers;
    this.crun = crun;
    this.restore = restore;
    this.pageServers = pageServers;
  }

  public ContainerView resume(MigrationContext ctx, ContainerId id, String imageId, String reason) {
    ContainerView resumed = resumeTasks(ctx, id, imageId, reason);
    try {
      throttle.lift(id); // auto-converge's cap ends with the migration
    } catch (RuntimeException e) {
      log.warn("container {} runs on the source again, but its CPU is still capped by auto-converge: {}", id, e.getMessage());
    }
    // The dump held new connections and silenced the address here; whatever the target announced, this node answers again.
    containers.networking().admitNewConnections(id, resumed.record().attachment());
    containers.networking().announce(id, resumed.record().attachment());
    return resumed;
  }

  private ContainerView resumeTasks(MigrationContext ctx, ContainerId id, String imageId, String reason) {
    if (pageServers.find(id.value()).filter(p -> p.isAlive()).isPresent()) {
      pageServers.stop(id.value());
      containers.save(containers.require(id).with(dev.ferry.agent.container.Lifecycle.RUNNING));
      log.info("abandoned the lazy dump of container {} (migration {}): the source continues: {}", id, ctx.migrationId(), reason);
    }
    ContainerView view = containers.inspect(id);
    switch (view.status()) {
      case RUNNING -> {
        return view;
      }
      case PAUSED -> {
        crun.resume(id);
        log.info("thawed container {} on the source (migration {}): {}", id, ctx.migrationId(), reason);
        return containers.inspect(id);
      }
      default -> { }
    }
    ContainerRecord record = view.record();
    String image = imageId == null || imageId.isBlank() ? record.lastImageId() : imageId;
    if (image == null || !ImageDir.isComplete(layout.images(id, image))) {
      throw new AgentException(FailureReason.INTERNAL_ERROR, "cannot resume container '" + id
          + "' on the source: it is not running and has no complete local images to restore from");
    }
    if (LazyDumpStep.LAZY_IMAGE.equals(image)) {
      throw new AgentException(FailureReason.INTERNAL_ERROR, "cannot resume container '" + id + "' on the source: "
          + "its memory was handed to the target by post-copy and the source copy is gone (post-copy's known risk)");
    }
    log.info("restoring container {} on the source from its images '{}' (migration {}): {}", id, image, ctx.migrationId(), reason);
    return restore.restoreInPlace(id, image, null).container();
  }
}
