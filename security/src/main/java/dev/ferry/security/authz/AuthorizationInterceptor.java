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
    var guarded = new ClosableCall<>(call);
    var refused = new java.util.concurrent.atomic.AtomicBoolean();
    var listener = Contexts.interceptCall(context.withValue(Callers.REFUSED, refused), guarded, headers, next);
    return new SelfClaimListener<>(listener, rule.selfField().get(), caller, request -> {
      refused.set(true);
      refuse(guarded, Status.PERMISSION_DENIED.withDescription(caller + " may only act as itself, but the request names "
          + SelfClaim.read(request, rule.selfField().get())), caller.toString(), method, AuditSubject.of(request));
    });
  }

  private void refuse(ServerCall<?, ?> call, Status status, String who, String method, AuditSubject subject) {
    log.warn("refused {} from {}: {} {}", method, who, status.getCode(), status.getDescription());
    audit.record(new AuditRecord(clock.instant(), who, method, subject.containerId(), subject.nodes(), subject.migrationId(),
        status.getCode().name(), status.getDescription(), server));
    call.close(status, new Metadata());
  }

  /** Checks every request message's self-claim; on a false one, refuses and cancels the handler. */
  private static final class SelfClaimListener<Q> extends io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final String path;
    private final Identity caller;
    private final java.util.function.Consumer<Q> onFalseClaim;
    private boolean refused;

    SelfClaimListener(ServerCall.Listener<Q> delegate, String path, Identity caller, java.util.function.Consumer<Q> onFalseClaim) {
      super(delegate);
      this.path = path;
      this.caller = caller;
      this.onFalseClaim = onFalseClaim;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      List<String> claims = SelfClaim.read(message, path);
      if (claims.stream().anyMatch(c -> !c.equals(caller.name()))) {
        refused = true;
        onFalseClaim.accept(message);
        super.onCancel();
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!refused) {
        super.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!refused) {
        super.onComplete();
      }
    }
  }

  /** A call the interceptor can close first; whatever the handler sends afterwards is dropped. */
  private static final class ClosableCall<Q, R> extends io.grpc.ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private volatile boolean closed;

    ClosableCall(ServerCall<Q, R> delegate) {
      super(delegate);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    @Override
    public boolean isCancelled() {
      return closed || super.isCancelled();
    }
  }
}
