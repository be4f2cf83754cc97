package dev.ferry.security.authz;

import dev.ferry.proto.v1.NodeAgentGrpc;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Calls that must carry a deadline: without one, a caller that hangs holds a server call (and
 * what it locked) forever. Required where every Ferry client sets one: the RPCs agents make to
 * the coordinator (registration, reports, addresses), every command the coordinator sends an
 * agent (its call policy's limit, 30 s or 10 min, travels as the deadline), clock probes and
 * audit reads. Not on Transfer streams, which a stall timeout and the receiver's resume window
 * bound instead, nor on the CLI's calls to the coordinator (Watch streams for as long as the
 * operator looks). A call without one is INVALID_ARGUMENT.
 */
public final class DeadlineRequired implements ServerInterceptor {
  public static final Set<String> METHODS = Stream.concat(Stream.of(
      "ferry.v1.Coordinator/RegisterNode", "ferry.v1.Coordinator/ReportContainers",
      "ferry.v1.Coordinator/AllocateAddress", "ferry.v1.Coordinator/ReleaseAddress",
      "ferry.v1.Clock/Probe", "ferry.v1.Audit/ListAudit"),
      NodeAgentGrpc.getServiceDescriptor().getMethods().stream().map(MethodDescriptor::getFullMethodName))
      .collect(Collectors.toUnmodifiableSet());
  private static final ServerCall.Listener<Object> NOOP = new ServerCall.Listener<>() {};

  @Override
  @SuppressWarnings("unchecked")
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (METHODS.contains(method) && Context.current().getDeadline() == null) {
      call.close(Status.INVALID_ARGUMENT.withDescription(method + " needs a deadline: set one on the call (e.g. withDeadlineAfter)"),
          new Metadata());
      return (ServerCall.Listener<Q>) NOOP;
    }
    return next.startCall(call, headers);
  }
}
