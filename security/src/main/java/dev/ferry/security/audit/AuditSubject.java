package dev.ferry.security.audit;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.ferry.security.authz.Untrusted;
import java.util.ArrayList;
import java.util.List;

/**
 * What a request is about, read from its well-known field names (container_id, node,
 * source_node, target_node, migration_id), at the top level or in a message field one level down
 * (a Transfer stream's open frame). Values longer than any valid name are cut ({@link Untrusted}).
 */
public record AuditSubject(String containerId, List<String> nodes, String migrationId) {
  public static final AuditSubject NONE = new AuditSubject("", List.of(), "");

  public static AuditSubject of(Object request) {
    if (!(request instanceof Message m)) {
      return NONE;
    }
    String[] container = {""};
    String[] migration = {""};
    List<String> nodes = new ArrayList<>();
    collect(m, container, migration, nodes, 0);
    return new AuditSubject(container[0], nodes, migration[0]);
  }

  private static void collect(Message m, String[] container, String[] migration, List<String> nodes, int depth) {
    for (var e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      Object v = e.getValue();
      if (f.getJavaType() == FieldDescriptor.JavaType.STRING && !f.isRepeated()) {
        String s = Untrusted.bounded((String) v);
        switch (f.getName()) {
          case "container_id" -> container[0] = s;
          case "migration_id" -> migration[0] = s;
          case "node", "source_node", "target_node" -> nodes.add(s);
          default -> { }
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated() && depth == 0) {
        collect((Message) v, container, migration, nodes, depth + 1);
      }
    }
  }
}
