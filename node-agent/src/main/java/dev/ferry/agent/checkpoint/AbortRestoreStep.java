package dev.ferry.agent.checkpoint;

import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.runtime.ContainerId;

/** Target side rollback: discard a half-restored container and everything the migration wrote here. */
public final class AbortRestoreStep {
  private final ContainerManager containers;
  private final PageServers pageServers;
  private final Admissions admissions;

  public AbortRestoreStep(ContainerManager containers, PageServers pageServers, Admissions admissions) {
    this.containers = containers;
    this.pageServers = pageServers;
    this.admissions = admissions;
  }

  public void abort(MigrationContext ctx, ContainerId id) {
    admissions.close(ctx.migrationId());
    pageServers.stop(id.value() + "/lazy-pages");
    containers.keepLogs(id, ctx.migrationId());
    // Only this migration's copy is ours to remove: a container that lives here for another reason stays.
    containers.find(id).filter(r -> ctx.migrationId().equals(r.migrationId()))
        .ifPresentOrElse(r -> containers.delete(id, true), () -> containers.removeOrphanDir(id));
  }
}
