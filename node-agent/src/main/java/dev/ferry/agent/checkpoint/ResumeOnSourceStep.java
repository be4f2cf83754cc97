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
 * that its dump stopped is restored from its own local images; after a lazy dump, from its own
 * page server, which still holds the memory. Idempotent: a running container is left alone.
 */
public final class ResumeOnSourceStep {
  private static final Logger log = LoggerFactory.getLogger(ResumeOnSourceStep.class);

  private final NodeLayout layout;
  private final ContainerManager containers;
  private final CrunCommands crun;
  private final RestoreStep restore;
  private final PageServers pageServers;

  public ResumeOnSourceStep(NodeLayout layout, ContainerManager containers, CrunCommands crun, RestoreStep restore,
      PageServers pageServers) {
    this.layout = layout;
    this.containers = containers;
    this.crun = crun;
    this.restore = restore;
    this.pageServers = pageServers;
  }

  public ContainerView resume(MigrationContext ctx, ContainerId id, String imageId, String reason) {
    ContainerView view = containers.inspect(id);
    if (view.status() == ContainerView.Status.RUNNING && pageServers.find(id.value()).filter(p -> p.isAlive()).isPresent()) {
      // A lazy dump still holds the tasks frozen while it waits to serve their pages: crun says
      // RUNNING, yet nothing runs. Ending the dump (CRIU and its children) releases them; thaw
      // in case CRIU froze them through the cgroup.
      releaseLazyDump(id);
      log.info("ended the lazy dump of container {} and released its tasks on the source (migration {}): {}", id,
          ctx.migrationId(), reason);
      return containers.inspect(id);
    }
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
    RestoreStep.PageSource lazy = null;
    if (LazyDumpStep.LAZY_IMAGE.equals(image)) {
      lazy = pageServers.find(id.value()).filter(p -> p.isAlive())
          .map(p -> new RestoreStep.PageSource(LazyPort.address(layout.work(id, image)), LazyPort.of(layout.work(id, image))))
          .orElseThrow(() -> new AgentException(FailureReason.INTERNAL_ERROR, "cannot resume container '" + id
              + "': its memory was in the page server of the lazy dump, which is gone"));
    }
    log.info("restoring container {} on the source from its images '{}' (migration {}): {}", id, image, ctx.migrationId(), reason);
    return restore.restoreInPlace(id, image, lazy).container();
  }

  private void releaseLazyDump(ContainerId id) {
    pageServers.find(id.value()).ifPresent(p -> ProcessHandle.of(p.pid()).ifPresent(h -> {
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      h.destroyForcibly();
    }));
    pageServers.stop(id.value());
    try {
      crun.resume(id);
    } catch (RuntimeException e) {
      log.debug("container {} was not paused after its lazy dump ended: {}", id, e.getMessage());
    }
  }
}
