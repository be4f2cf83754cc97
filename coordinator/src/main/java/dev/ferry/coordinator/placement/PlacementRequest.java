package dev.ferry.coordinator.placement;

/** A container that needs a node: where it is and what it needs there. */
public record PlacementRequest(String containerId, String sourceNode, long memoryBytes, long cpuMillicores) {}
