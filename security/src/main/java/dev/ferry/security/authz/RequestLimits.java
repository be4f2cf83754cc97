package dev.ferry.security.authz;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What any request to a Ferry server may carry, checked in one place before a handler sees it:
 * names and identifiers (node, name, *_id, *_node) at most {@value #MAX_NAME} characters, maps
 * (labels, env) at most {@value #MAX_MAP_ENTRIES} entries with keys of at most
 * {@value #MAX_NAME}; enum fields only hold values this build knows (an unknown strategy or
 * compression number is refused, never read as a default); durations and timestamps stay in the
 * range their protobuf types document. A violation is INVALID_ARGUMENT naming the field and the
 * limit. Messages are bounded per service: control-plane calls (names, specs, reports:
 * Coordinator, NodeAgent, Audit, Clock, health) at most {@value #MAX_CONTROL_MESSAGE_BYTES} bytes,
 * Transfer's image chunks and page frames at most {@value #MAX_TRANSFER_MESSAGE_BYTES}; a larger
 * message is RESOURCE_EXHAUSTED naming the service's limit. The transport itself refuses anything
 * above the largest of them ({@value #MAX_MESSAGE_BYTES}) before reading it.
 */
public final class RequestLimits implements ServerInterceptor {
  public static final int MAX_NAME = 253;
  public static final int MAX_MAP_ENTRIES = 256;
  /** Names, specs, reports: every service but Transfer. */
  public static final int MAX_CONTROL_MESSAGE_BYTES = 1 << 20;
  /** Transfer: a chunk of at most 16 MiB (TransferOptions' largest) with its framing. */
  public static final int MAX_TRANSFER_MESSAGE_BYTES = (16 << 20) + (64 << 10);
  /** What a server's transport reads at most: the largest per-service limit. */
  public static final int MAX_MESSAGE_BYTES = MAX_TRANSFER_MESSAGE_BYTES;
  private static final Map<String, Integer> MESSAGE_BYTES_BY_SERVICE =
      Map.of(dev.ferry.proto.v1.TransferGrpc.SERVICE_NAME, MAX_TRANSFER_MESSAGE_BYTES);
  private static final int MAX_DEPTH = 8;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    int limit = maxMessageBytes(service);
    return CheckedCall.start(call, headers, next, Context.current(),
        request -> tooLarge(request, service, limit).map(v -> Status.RESOURCE_EXHAUSTED.withDescription(v))
            .or(() -> violation(request).map(v -> Status.INVALID_ARGUMENT.withDescription(v))));
  }

  /** The largest message {@code service} (full name, e.g. ferry.v1.Transfer) accepts. */
  public static int maxMessageBytes(String service) {
    return MESSAGE_BYTES_BY_SERVICE.getOrDefault(service, MAX_CONTROL_MESSAGE_BYTES);
  }

  private static Optional<String> tooLarge(Object request, String service, int limit) {
    // Protobuf computes the size from the parsed fields (a chunk's bytes are counted, not copied).
    int size = request instanceof com.google.protobuf.MessageLite m ? m.getSerializedSize() : 0;
    return size > limit
        ? Optional.of("a " + size + "-byte message to " + service + ", which accepts at most " + limit + " bytes per message")
        : Optional.empty();
  }

  /** The first limit the request breaks, as a sentence; empty when it keeps them all. */
  public static Optional<String> violation(Object request) {
    return request instanceof Message m ? check(m, m.getDescriptorForType().getName(), 0) : Optional.empty();
  }

  private static Optional<String> check(Message m, String where, int depth) {
    if (depth > MAX_DEPTH) {
      return Optional.empty();
    }
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String path = where + "." + f.getName();
      if (f.isMapField()) {
        List<?> entries = (List<?>) e.getValue();
        if (entries.size() > MAX_MAP_ENTRIES) {
          return Optional.of(path + " has " + entries.size() + " entries; at most " + MAX_MAP_ENTRIES);
        }
        for (Object entry : entries) {
          Message kv = (Message) entry;
          Object key = kv.getField(kv.getDescriptorForType().findFieldByName("key"));
          if (key instanceof String k && k.length() > MAX_NAME) {
            return Optional.of(path + " has a key of " + k.length() + " characters; at most " + MAX_NAME);
          }
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        Optional<String> unknown = unknownEnum(f, e.getValue(), path);
        if (unknown.isPresent()) {
          return unknown;
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.STRING && !f.isRepeated() && isName(f.getName())) {
        int length = ((String) e.getValue()).length();
        if (length > MAX_NAME) {
          return Optional.of(path + " is " + length + " characters long; at most " + MAX_NAME);
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        List<?> children = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
        for (Object child : children) {
          Optional<String> v = WellKnownRanges.violation((Message) child, path).or(() -> check((Message) child, path, depth + 1));
          if (v.isPresent()) {
            return v;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> unknownEnum(FieldDescriptor f, Object value, String path) {
    List<?> values = f.isRepeated() ? (List<?>) value : List.of(value);
    for (Object v : values) {
      // An open enum keeps a number it does not know as a descriptor the enum type cannot find.
      int number = ((EnumValueDescriptor) v).getNumber();
      if (f.getEnumType().findValueByNumber(number) == null) {
        return Optional.of(path + " has the unknown value " + number + "; known: " + f.getEnumType().getValues().stream()
            .map(EnumValueDescriptor::getName).toList());
      }
    }
    return Optional.empty();
  }

  private static boolean isName(String field) {
    return field.equals("node") || field.equals("name") || field.endsWith("_id") || field.endsWith("_node");
  }
}
