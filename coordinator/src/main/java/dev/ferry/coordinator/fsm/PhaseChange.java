package dev.ferry.coordinator.fsm;

import java.time.Instant;

/** One line of a migration's history: which event moved it from where to where, and when. */
public record PhaseChange(Phase from, Phase to, String event, String detail, Instant at) {}
