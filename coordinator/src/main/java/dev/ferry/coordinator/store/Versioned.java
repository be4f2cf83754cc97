package dev.ferry.coordinator.store;

/** A stored value with the etcd mod revision it was read or written at: the token for compare-and-put. */
public record Versioned<T>(T value, long modRevision) {}
