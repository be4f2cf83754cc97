package dev.ferry.agent.checkpoint;

import dev.ferry.agent.clock.ClockJumps;
import dev.ferry.agent.container.ContainerView;
import java.time.Duration;
import java.time.Instant;

/** A restored container, how long CRIU took, when it resumed (host realtime) and the jumps its clocks made. */
public record RestoreResult(ContainerView container, Duration duration, Instant resumedAt, ClockJumps clockJumps) {}
