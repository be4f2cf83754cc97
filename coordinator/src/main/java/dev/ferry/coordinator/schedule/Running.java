package dev.ferry.coordinator.schedule;

/** A migration holding a slot: counted against its source's outbound and target's inbound limit. */
public record Running(String migrationId, String source, String target) {}
