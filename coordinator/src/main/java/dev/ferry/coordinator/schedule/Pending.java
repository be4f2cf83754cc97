package dev.ferry.coordinator.schedule;

/**
 * A migration waiting for a slot. Higher priority first; equal priorities in arrival order.
 *
 * @param target empty when placement chooses at admission
 */
public record Pending(String migrationId, int priority, long sequence, String source, String target) {}
