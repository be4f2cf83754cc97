package dev.ferry.agent.observe;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * The migration id and container a request concerns, read from its {@code migration}
 * (ferry.v1.MigrationContext) and {@code container_id} fields where the message has them.
 */
record CallFields(String migrationId, String containerId) {
  static final CallFields NONE = new CallFields("", "");

  static CallFields of(Object request) {
    if (!(request instanceof Message m)) {
      return NONE;
    }
    String container = string(m, "container_id");
    String migration = "";
    FieldDescriptor ctx = m.getDescriptorForType().findFieldByName("migration");
    if (ctx != null && ctx.getType() == FieldDescriptor.Type.MESSAGE && !ctx.isRepeated() && m.hasField(ctx)) {
      migration = string((Message) m.getField(ctx), "migration_id");
    }
    return new CallFields(migration, container);
  }

  private static String string(Message m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    return f != null && f.getType() == FieldDescriptor.Type.STRING && !f.isRepeated() ? (String) m.getField(f) : "";
  }
}
