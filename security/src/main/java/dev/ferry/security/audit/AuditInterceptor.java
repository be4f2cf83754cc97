package dev.ferry.security.audit;

import dev.ferry.security.authz.Authorization;
import dev.ferry.security.authz.Callers;
import dev.ferry.security.authz.Rule;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.InstantSource;

/**
 * Records every mutating call (as the authorization table marks them) when it ends: the
 * caller, the RPC, what the request was about, and the status it ended with.
 */
public final class AuditInterceptor implements ServerInterceptor {
  private final AuditSink sink;
  private final InstantSource clock;
  private final String server;

  public AuditInterceptor(AuditSink sink, InstantSource clock, String server) {
    this.sink = sink;
    this.clock = clock;
    this.server = server;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (!Authorization.rule(method).map(Rule::mutating).orElse(false)) {
      return next.startCall(call, headers);
    }
    String who = Callers.current().map(Object::toString)
        .orElseGet(() -> "insecure " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    var recorder = new Recorder<>(call, who, method);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(recorder, headers)) {
      @Override
      public void onMessage(Q message) {
        recorder.firstRequest(message);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        if (!Callers.refusedByGate()) {
          recorder.ended(Status.CANCELLED.withDescription("the client cancelled"));
        }
        super.onCancel();
      }
    };
  }

  private final class Recorder<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final String who;
    private final String method;
    private volatile AuditSubject subject = AuditSubject.NONE;
    private boolean seenRequest;
    private boolean recorded;

    Recorder(ServerCall<Q, R> delegate, String who, String method) {
      super(delegate);
      this.who = who;
      this.method = method;
    }

    synchronized void firstRequest(Object request) {
      if (!seenRequest) {
        seenRequest = true;
        subject = AuditSubject.of(request);
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      ended(status);
      super.close(status, trailers);
    }

    synchronized void ended(Status status) {
      if (recorded) {
        return;
      }
      recorded = true;
      sink.record(new AuditRecord(clock.instant(), who, method, subject.containerId(), subject.nodes(), subject.migrationId(),
          status.getCode().name(), status.getDescription(), server));
    }
  }
}
