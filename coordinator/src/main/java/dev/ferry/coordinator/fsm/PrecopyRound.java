package dev.ferry.coordinator.fsm;

import java.time.Duration;

/**
 * One pre-dump round as measured by the source agent.
 *
 * @param dirtyBytes bytes written by this round (round 1: all memory; later: pages dirtied since)
 * @param duration   dump plus stream to the target
 * @param throughputBytesPerSecond how fast this round's bytes reached the target
 */
public record PrecopyRound(int round, long dirtyBytes, long pagesWritten, Duration duration,
    double throughputBytesPerSecond) {}
