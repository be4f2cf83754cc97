package dev.ferry.security.authz;

/** The table's answer for one caller and one RPC. */
public sealed interface Decision {
  record Allowed(Rule rule) implements Decision {}

  record Denied(String reason) implements Decision {}
}
