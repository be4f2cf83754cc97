package dev.ferry.security.authz;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Starts a call whose every request message is checked before the handler sees it: the first
 * message that fails closes the call with the check's status, cancels the handler (its Context's
 * cancellation cause is that status, as a StatusRuntimeException), and drops whatever the handler
 * still sends.
 */
public final class CheckedCall {
  private CheckedCall() {}

  /** @param check empty to let the message through, or the status that ends the call */
  public static <Q, R> ServerCall.Listener<Q> start(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next,
      Context context, Function<Q, Optional<Status>> check) {
    var guarded = new ClosableCall<>(call);
    var refused = Callers.REFUSED.get() != null ? Callers.REFUSED.get() : new AtomicBoolean();
    // Cancelled with the refusal as its cause: the handler can tell "refused" (final) from a broken connection (resumable).
    Context.CancellableContext handlerContext = context.withValue(Callers.REFUSED, refused).withCancellation();
    var listener = Contexts.interceptCall(handlerContext, guarded, headers, next);
    return new CheckingListener<>(listener, check, status -> {
      refused.set(true);
      guarded.close(status, new Metadata());
      handlerContext.cancel(status.asRuntimeException());
    });
  }

  private static final class CheckingListener<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final Function<Q, Optional<Status>> check;
    private final java.util.function.Consumer<Status> refuse;
    private boolean refused;

    CheckingListener(ServerCall.Listener<Q> delegate, Function<Q, Optional<Status>> check, java.util.function.Consumer<Status> refuse) {
      super(delegate);
      this.check = check;
      this.refuse = refuse;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      Optional<Status> failed = check.apply(message);
      if (failed.isPresent()) {
        refused = true;
        refuse.accept(failed.get());
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

  /** A call that can be closed first by the check; whatever the handler sends afterwards is dropped. */
  private static final class ClosableCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private boolean closed;

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
    public synchronized boolean isCancelled() {
      return closed || super.isCancelled();
    }
  }
}
