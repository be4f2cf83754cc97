package dev.ferry.timesync;

/** What a container's CLOCK_MONOTONIC and CLOCK_BOOTTIME do across a migration's blackout (DESIGN.md "Clocks"). */
public enum ClockPolicy {
  /** Monotonic pauses, boottime advances by the blackout: what a laptop suspend does. The default. */
  SUSPEND(false, true),
  /** Neither advances: the container never notices the blackout. */
  FREEZE(false, false),
  /** Both advance by the real elapsed time, as if the container had kept running. */
  WALL(true, true);

  private final boolean monotonicAdvances;
  private final boolean boottimeAdvances;

  ClockPolicy(boolean monotonicAdvances, boolean boottimeAdvances) {
    this.monotonicAdvances = monotonicAdvances;
    this.boottimeAdvances = boottimeAdvances;
  }

  public boolean monotonicAdvances() {
    return monotonicAdvances;
  }

  public boolean boottimeAdvances() {
    return boottimeAdvances;
  }
}
