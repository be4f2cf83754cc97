package dev.ferry.agent.network;

import java.util.Objects;

/**
 * This node's side of the container network: the network addresses come from (CIDR), the
 * bridge containers' veths join (the node's uplink to the shared segment is enslaved to it by
 * the operator), the MTU, and an optional hook for routed fabrics that announces and withdraws
 * a container's /32 (run with FERRY_ACTION, FERRY_ADDRESS, FERRY_CONTAINER, FERRY_NODE).
 */
public record ContainerNetworkConfig(String network, String bridge, int mtu, String announceHook) {
  public ContainerNetworkConfig {
    Objects.requireNonNull(network, "network");
    if (!network.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
      throw new IllegalArgumentException("container network must be IPv4 CIDR like 198.18.71.0/24, got '" + network + "'");
    }
    if (bridge == null || !bridge.matches("[a-zA-Z0-9_.-]{1,15}")) {
      throw new IllegalArgumentException("bridge must be an interface name of at most 15 characters, got '" + bridge + "'");
    }
    if (mtu < 576 || mtu > 65535) {
      throw new IllegalArgumentException("MTU must be within 576..65535, got " + mtu);
    }
    announceHook = announceHook == null || announceHook.isBlank() ? null : announceHook;
  }
}
