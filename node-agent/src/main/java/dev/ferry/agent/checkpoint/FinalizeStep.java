package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.runtime.ContainerId;
import java.time.Duration;

/**
 * Commit on the source, only after the target verified its copy: wait until a lazy dump's page
 * server has handed over every page, then destroy the source copy and its images.
 */
public final class FinalizeStep {
  private final ContainerManager containers;
  private final PageServers pageServers;
  private final Duration pageTransferBound;

  public FinalizeStep(ContainerManager containers, PageServers pageServers, Duration pageTransferBound) {
    this.containers = containers;
    this.pageServers = pageServers;
    this.pageTransferBound = pageTransferBound;
  }

  public void finalizeSource(MigrationContext ctx, ContainerId id) {
    if (containers.find(id).isEmpty()) {
      return; // already finalized: commit is idempotent
    }
    if (pageServers.find(id.value()).isPresent() && pageServers.awaitDone(id.value(), pageTransferBound).isEmpty()) {
      throw new AgentException(FailureReason.WRONG_STATE, "container '" + id + "' still has pages in flight to the target after "
          + pageTransferBound.toSeconds() + " s; not destroying the source yet (migration " + ctx.migrationId() + ")");
    }
    containers.delete(id, true);
  }
}
