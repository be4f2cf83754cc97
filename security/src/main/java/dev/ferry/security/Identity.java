package dev.ferry.security;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who is calling, as named by the URI SAN of a Ferry certificate: {@code ferry://node/nodeA},
 * {@code ferry://coordinator}, {@code ferry://operator/alice}, {@code ferry://viewer/bob}, and
 * {@code ferry://etcd/NAME} for the certificate an etcd member serves the coordinator with.
 */
public record Identity(Role role, String name) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

  public Identity {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(name, "name");
    if (role == Role.COORDINATOR ? !name.isEmpty() : !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(role == Role.COORDINATOR
          ? "a coordinator identity has no name"
          : "invalid " + role.label() + " name '" + name + "': 1-63 of [a-zA-Z0-9_.-], starting with a letter or digit");
    }
  }

  public static Identity node(String name) {
    return new Identity(Role.NODE, name);
  }

  public static Identity coordinator() {
    return new Identity(Role.COORDINATOR, "");
  }

  public static Identity operator(String name) {
    return new Identity(Role.OPERATOR, name);
  }

  public static Identity viewer(String name) {
    return new Identity(Role.VIEWER, name);
  }

  public static Identity etcd(String name) {
    return new Identity(Role.ETCD, name);
  }

  /** Parses {@code ferry://ROLE[/NAME]}; empty when the URI is not a Ferry identity. */
  public static Optional<Identity> fromUri(String uri) {
    if (uri == null || !uri.startsWith("ferry://")) {
      return Optional.empty();
    }
    String rest = uri.substring("ferry://".length());
    int slash = rest.indexOf('/');
    String roleLabel = slash < 0 ? rest : rest.substring(0, slash);
    String name = slash < 0 ? "" : rest.substring(slash + 1);
    try {
      return Role.fromLabel(roleLabel).map(role -> new Identity(role, name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Parses "node/nodeA", "coordinator", "operator/alice" (the CLI's way of naming one). */
  public static Identity parse(String text) {
    return fromUri("ferry://" + text).orElseThrow(() -> new IllegalArgumentException(
        "invalid identity '" + text + "': expected node/NAME, coordinator, operator/NAME, viewer/NAME or etcd/NAME"));
  }

  public URI uri() {
    return URI.create("ferry://" + this);
  }

  @Override
  public String toString() {
    return name.isEmpty() ? role.label() : role.label() + "/" + name;
  }
}
