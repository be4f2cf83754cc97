package dev.ferry.agent.checkpoint;

import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.agent.runtime.ContainerId;

/** Steps that act on a live container first check that it is live. */
final class RunningCheck {
  private RunningCheck() {}

  static ContainerView require(ContainerManager containers, ContainerId id, String step) {
    ContainerView view = containers.inspect(id);
    if (view.status() != ContainerView.Status.RUNNING) {
      throw DumpStep.notRunning(id, step, view.status());
    }
    return view;
  }
}
