package dev.ferry.agent.checkpoint;

import dev.ferry.agent.container.ContainerView;
import java.time.Duration;
import java.time.Instant;

/**
 * What a dump or pre-dump produced.
 *
 * @param frozenAt        host realtime just before CRIU froze the container
 * @param clocksAtFreeze  the container's clocks at that instant
 */
public record DumpResult(
    String containerId,
    String imageId,
    int round,
    long imageBytes,
    long pagesWritten,
    Duration duration,
    Instant frozenAt,
    ContainerView.Clocks clocksAtFreeze,
    ContainerView.Status stateAfter) {}
