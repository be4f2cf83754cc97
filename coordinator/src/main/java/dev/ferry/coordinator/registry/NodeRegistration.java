package dev.ferry.coordinator.registry;

import dev.ferry.coordinator.fsm.NodeCapabilities;
import java.time.Instant;

/** What an agent tells the coordinator when it registers (and re-registers as its heartbeat). */
public record NodeRegistration(String name, String address, NodeCapabilities capabilities, Instant registeredAt) {}
