package dev.ferry.security;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of identity a Ferry certificate can carry; the authorization table speaks in these. */
public enum Role {
  NODE("node"),
  COORDINATOR("coordinator"),
  OPERATOR("operator"),
  VIEWER("viewer"),
  /** An etcd member serving the coordinator (its server certificate); it calls no Ferry RPC. */
  ETCD("etcd");

  private final String label;

  Role(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Optional<Role> fromLabel(String label) {
    return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
  }
}
