package dev.ferry.coordinator.service;

import java.time.Duration;
import java.util.List;

/** What a drain moved, what it could not and why, and whether it finished within its bound. */
public record DrainResult(String node, boolean complete, List<Evacuation.Item> moved, List<Evacuation.Item> notMoved,
    Duration elapsed) {}
