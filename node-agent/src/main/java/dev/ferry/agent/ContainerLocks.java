package dev.ferry.agent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One operation at a time per container: a retried or duplicated call (a client retry, a
 * coordinator that re-issues a step after a restart) waits for the first instead of racing it
 * over the same bundle, images and crun state.
 */
public final class ContainerLocks {
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  public <T> T with(String containerId, Supplier<T> action) {
    ReentrantLock lock = locks.computeIfAbsent(containerId, id -> new ReentrantLock());
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }
}
