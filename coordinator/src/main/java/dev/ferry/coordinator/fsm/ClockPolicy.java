package dev.ferry.coordinator.fsm;

/** What the container's monotonic and boottime clocks do across the blackout (DESIGN.md "Clocks"). */
public enum ClockPolicy {
  SUSPEND,
  FREEZE,
  WALL
}
