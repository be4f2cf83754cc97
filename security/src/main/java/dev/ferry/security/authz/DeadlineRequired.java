package dev.ferry.security.authz;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;

/**
 * Calls that must carry a deadline: without one, a caller that hangs holds a server call (and
 * what it locked) forever. Required where every Ferry client already sets one: the RPCs agents
 * make to the coordinator (registration, reports, addresses), clock probes and audit reads. Not
 * (yet) on agent commands, which the coordinator sends without a deadline because a dump or a
 * restore takes as long as the container is big, nor on Transfer streams, which a stall timeout
 * and the receiver's resume window bound instead. A call without one is INVALID_ARGUMENT.
 */
public final class DeadlineRequired implements ServerInterceptor {
  public static final Set<String> METHODS = Set.of(
      "ferry.v1.Coordinator/RegisterNode", "ferry.v1.Coordinator/ReportContainers",
      "ferry.v1.Coordinator/AllocateAddress", "ferry.v1.Coordinator/ReleaseAddress",
      "ferry.v1.Clock/Probe", "ferry.v1.Audit/ListAudit");
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
