package dev.ferry.coordinator.fsm;

/** How memory moves (DESIGN.md "Strategies"). */
public enum Strategy {
  AUTO,
  PRECOPY,
  POSTCOPY,
  STOPCOPY
}
