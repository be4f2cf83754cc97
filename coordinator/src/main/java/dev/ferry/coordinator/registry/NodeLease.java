package dev.ferry.coordinator.registry;

import java.time.Duration;

/** The etcd lease a node's registration is bound to; the agent re-registers well within {@code ttl}. */
public record NodeLease(long id, Duration ttl) {}
