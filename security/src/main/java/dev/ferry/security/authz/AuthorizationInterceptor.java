package dev.ferry.security.authz;

import dev.ferry.security.Identity;
import dev.ferry.security.audit.AuditRecord;
import dev.ferry.security.audit.AuditSink;
import dev.ferry.security.audit.AuditSubject;
import dev.ferry.security.tls.ClusterCa;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * THE gate of every Ferry server: authenticates the caller by its client certificate
 * (UNAUTHENTICATED when there is none, or it is expired, from another CA, or names no Ferry
 * identity) and applies {@link Authorization}'s table (PERMISSION_DENIED for a known identity
 * calling what it may not, or a node naming another node as itself). Refusals are audited.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AuthorizationInterceptor.class);
  private static final ServerCall.Listener<Object> NOOP = new ServerCall.Listener<>() {};

  private final PeerAuthentication authentication;
  private final AuditSink audit;
  private final InstantSource clock;
  private final String server;

  public AuthorizationInterceptor(ClusterCa ca, AuditSink audit, InstantSource clock, String server) {
    this.authentication = new PeerAuthentication(ca);
    this.audit = audit;
    this.clock = clock;
    this.server = server;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    var result = authentication.authenticate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (result instanceof PeerAuthentication.Refused(String reason)) {
      String who = "unauthenticated " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      refuse(call, Status.UNAUTHENTICATED.withDescription(reason), who, method, AuditSubject.NONE);
      return (ServerCall.Listener<Q>) NOOP;
    }
    Identity caller = ((PeerAuthentication.Authenticated) result).identity();
    Decision decision = Authorization.decide(caller, method);
    if (decision instanceof Decision.Denied(String reason)) {
      refuse(call, Status.PERMISSION_DENIED.withDescription(reason), caller.toString(), method, AuditSubject.NONE);
      return (ServerCall.Listener<Q>) NOOP;
    }
    Rule rule = ((Decision.Allowed) decision).rule();
    Context context = Context.current().withValue(Callers.CALLER, caller);
    if (caller.role() != dev.ferry.security.Role.NODE || rule.selfField().isEmpty()) {
      return Contexts.interceptCall(context, call, headers, next);
    }
    String path = rule.selfField().get();
    return CheckedCall.start(call, headers, next, context, request -> {
      List<String> claims = SelfClaim.read(request, path);
      if (claims.stream().allMatch(c -> c.equals(caller.name()))) {
        return java.util.Optional.empty();
      }
      Status denied = Status.PERMISSION_DENIED.withDescription(caller + " may only act as itself, but the request names "
          + claims.stream().map(Untrusted::bounded).toList());
      record(denied, caller.toString(), method, AuditSubject.of(request));
      return java.util.Optional.of(denied);
    });
  }

  private void refuse(ServerCall<?, ?> call, Status status, String who, String method, AuditSubject subject) {
    record(status, who, method, subject);
    call.close(status, new Metadata());
  }

  private void record(Status status, String who, String method, AuditSubject subject) {
    log.warn("refused {} from {}: {} {}", method, who, status.getCode(), status.getDescription());
    audit.record(new AuditRecord(clock.instant(), who, method, subject.containerId(), subject.nodes(), subject.migrationId(),
        status.getCode().name(), status.getDescription(), server));
  }
}
