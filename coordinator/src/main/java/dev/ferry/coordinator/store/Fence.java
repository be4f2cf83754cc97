package dev.ferry.coordinator.store;

/**
 * The leader's election key and its create revision (the epoch). Every write of a fenced store
 * requires that key to still exist at that revision, so a deposed leader's late write fails in
 * etcd itself instead of landing (the agents' epoch check is the second line).
 */
public record Fence(String key, long revision) {}
