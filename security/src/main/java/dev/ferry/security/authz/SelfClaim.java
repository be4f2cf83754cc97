package dev.ferry.security.authz;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the node(s) a request claims to come from at a dotted field path: "node" is a top-level
 * field; "open.source_node" is looked for wherever an {@code open} message appears (a Transfer
 * stream may carry its open frame inside a batch).
 */
final class SelfClaim {
  private static final int MAX_DEPTH = 3;

  private SelfClaim() {}

  /** Every value the request claims at {@code path}; empty when it claims nothing (a data frame). */
  static List<String> read(Object request, String path) {
    List<String> found = new ArrayList<>();
    if (request instanceof Message m) {
      String[] parts = path.split("\\.");
      if (parts.length == 1) {
        leaf(m, parts[0], found);
      } else {
        search(m, parts, found, 0);
      }
    }
    return found;
  }

  private static void search(Message m, String[] parts, List<String> found, int depth) {
    FieldDescriptor head = m.getDescriptorForType().findFieldByName(parts[0]);
    if (head != null && head.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !head.isRepeated() && m.hasField(head)) {
      leaf((Message) m.getField(head), parts[1], found);
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    for (var e : m.getAllFields().entrySet()) {
      if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (e.getKey().isRepeated()) {
        for (Object o : (List<?>) e.getValue()) {
          search((Message) o, parts, found, depth + 1);
        }
      } else {
        search((Message) e.getValue(), parts, found, depth + 1);
      }
    }
  }

  private static void leaf(Message m, String field, List<String> found) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    if (f != null && f.getJavaType() == FieldDescriptor.JavaType.STRING && !f.isRepeated()) {
      found.add((String) m.getField(f));
    }
  }
}
