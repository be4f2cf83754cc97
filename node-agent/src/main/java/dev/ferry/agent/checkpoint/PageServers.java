package dev.ferry.agent.checkpoint;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.RunningProcess;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-lived CRIU processes of post-copy migrations on this node: page servers on the
 * source (the lazy dump), lazy-pages daemons on the target. The source's container lives on
 * in its page server until the target has every page: post-copy's documented risk.
 */
public final class PageServers {
  private final Map<String, RunningProcess> byContainer = new ConcurrentHashMap<>();

  public void register(String containerId, RunningProcess process) {
    RunningProcess previous = byContainer.put(containerId, process);
    if (previous != null) {
      previous.close();
    }
  }

  public Optional<RunningProcess> find(String containerId) {
    return Optional.ofNullable(byContainer.get(containerId));
  }

  /** Waits for the process to finish serving (every page pulled); empty if it still runs after {@code max}. */
  public Optional<ProcessResult> awaitDone(String containerId, Duration max) {
    RunningProcess p = byContainer.get(containerId);
    if (p == null) {
      return Optional.empty();
    }
    Optional<ProcessResult> done = p.await(max);
    done.ifPresent(r -> byContainer.remove(containerId, p));
    return done;
  }

  public void stop(String containerId) {
    RunningProcess p = byContainer.remove(containerId);
    if (p != null) {
      p.close();
    }
  }
}
