package dev.ferry.security.authz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.ferry.proto.v1.AuditGrpc;
import dev.ferry.proto.v1.ClockGrpc;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.TransferGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fuzzes request validation as every Ferry server runs it: the first byte picks one of the
 * ferry.v1 methods (coordinator, agent, transfer, clock, audit), the rest is parsed by that
 * method's own gRPC marshaller, as the server would, and handed to {@link RequestLimits}.
 * Properties: validation never throws; a refusal says what is wrong; and what it lets through
 * really keeps the limits (checked here by a walk of its own): no name over
 * {@value RequestLimits#MAX_NAME} characters and no enum number this build does not know.
 * Seeds (RequestLimitsFuzzTestInputs/): a Migrate with an unknown strategy, a transfer chunk with
 * an unknown compression, a 10 MB container name, an out-of-range duration.
 */
class RequestLimitsFuzzTest {
  private static final List<MethodDescriptor<?, ?>> METHODS = Stream.of(CoordinatorGrpc.getServiceDescriptor(),
          NodeAgentGrpc.getServiceDescriptor(), TransferGrpc.getServiceDescriptor(), ClockGrpc.getServiceDescriptor(),
          AuditGrpc.getServiceDescriptor())
      .map(ServiceDescriptor::getMethods).flatMap(java.util.Collection::stream)
      .sorted(java.util.Comparator.comparing(MethodDescriptor::getFullMethodName))
      .<MethodDescriptor<?, ?>>map(m -> m).toList();

  @FuzzTest(maxDuration = "45s")
  void validationRefusesWithAReasonOrPassesOnlyWhatKeepsTheLimits(byte[] input) {
    if (input.length == 0) {
      return;
    }
    MethodDescriptor<?, ?> method = METHODS.get(Byte.toUnsignedInt(input[0]) % METHODS.size());
    Object request;
    try {
      request = method.getRequestMarshaller().parse(new ByteArrayInputStream(Arrays.copyOfRange(input, 1, input.length)));
    } catch (StatusRuntimeException notAMessage) {
      return; // gRPC itself refuses bytes that are no protobuf message
    }
    var violation = RequestLimits.violation(request);
    if (violation.isPresent()) {
      if (violation.get().isBlank()) {
        throw new AssertionError("a refusal without a reason for " + method.getFullMethodName());
      }
      return;
    }
    String broken = firstBrokenLimit((Message) request, 0);
    if (broken != null) {
      throw new AssertionError(method.getFullMethodName() + " passed validation with " + broken);
    }
  }

  private static String firstBrokenLimit(Message m, int depth) {
    if (depth > 8) {
      return null;
    }
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      List<?> values = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (Object v : values) {
        if (v instanceof EnumValueDescriptor ev && ev.getType().findValueByNumber(ev.getNumber()) == null) {
          return f.getFullName() + " = unknown enum number " + ev.getNumber();
        }
        if (v instanceof String s && !f.isRepeated() && s.length() > RequestLimits.MAX_NAME
            && (f.getName().equals("name") || f.getName().equals("node") || f.getName().endsWith("_id") || f.getName().endsWith("_node"))) {
          return f.getFullName() + " of " + s.length() + " characters";
        }
        if (v instanceof Message child && !f.isMapField()) {
          String broken = firstBrokenLimit(child, depth + 1);
          if (broken != null) {
            return broken;
          }
        }
      }
    }
    return null;
  }
}
