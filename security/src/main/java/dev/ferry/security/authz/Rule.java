package dev.ferry.security.authz;

import dev.ferry.security.Role;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the authorization table: who may call an RPC, whether it changes anything (then it
 * is audited), and for node callers the request field that must name the caller itself (a node
 * registers, reports and sends as itself, never as another node).
 */
public record Rule(Set<Role> roles, boolean mutating, Optional<String> selfField) {
  public Rule {
    roles = Set.copyOf(roles);
  }

  static Rule read(Role first, Role... more) {
    return new Rule(EnumSet.of(first, more), false, Optional.empty());
  }

  static Rule mutate(Role first, Role... more) {
    return new Rule(EnumSet.of(first, more), true, Optional.empty());
  }

  /** A node's call whose request names the node at {@code fieldPath} (dotted, e.g. "open.source_node"). */
  static Rule asSelf(boolean mutating, String fieldPath) {
    return new Rule(EnumSet.of(Role.NODE), mutating, Optional.of(fieldPath));
  }

  public boolean allows(Role role) {
    return roles.contains(role);
  }
}
