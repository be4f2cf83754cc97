package dev.ferry.agent.checkpoint;

import dev.ferry.agent.container.ContainerView;
import java.time.Duration;
import java.time.Instant;

/** A restored container, how long CRIU took, and when it resumed (host realtime). */
public record RestoreResult(ContainerView container, Duration duration, Instant resumedAt) {}
