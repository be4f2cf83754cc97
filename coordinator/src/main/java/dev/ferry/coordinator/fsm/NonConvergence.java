package dev.ferry.coordinator.fsm;

/**
 * What pre-copy does when its rounds stop converging (the dirty set grew, or the round limit came
 * with the estimated final dump still over the downtime budget). The record says which was done.
 */
public enum NonConvergence {
  /** Freeze and dump what is dirty anyway: a longer blackout than the budget, nothing else changes. */
  FREEZE,
  /** Auto-converge: throttle the container's CPU through its cgroup so it dirties slower, then go on. */
  THROTTLE,
  /** Freeze and finish with post-copy: the blackout stays small, the rest is pulled lazily. */
  POSTCOPY
}
