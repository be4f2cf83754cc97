package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.TransferGrpc;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Remembers why the server's transport closed a Transfer stream. When the transport itself refuses
 * a message (over the size limit) the caller gets RESOURCE_EXHAUSTED but the handler only sees its
 * Context cancelled with "RPC cancelled", the same as a broken connection, which keeps the
 * transfer for a resume; with this tracer on the server the handler can tell a refusal apart.
 * Add it with {@code ServerBuilder.addStreamTracerFactory(new StreamClosings())}.
 */
public final class StreamClosings extends ServerStreamTracer.Factory {
  private static final Context.Key<AtomicReference<Status>> CLOSING = Context.key("ferry-transfer-stream-closing");
  private static final ServerStreamTracer UNTRACED = new ServerStreamTracer() { };

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    if (!fullMethodName.startsWith(TransferGrpc.SERVICE_NAME + "/")) {
      return UNTRACED;
    }
    AtomicReference<Status> closing = new AtomicReference<>();
    return new ServerStreamTracer() {
      @Override
      public Context filterContext(Context context) {
        return context.withValue(CLOSING, closing);
      }

      @Override
      public void streamClosed(Status status) {
        closing.set(status);
      }
    };
  }

  /** The status the transport closed the current call's stream with, where this tracer saw it. */
  static Optional<Status> ofCurrentCall() {
    AtomicReference<Status> closing = CLOSING.get();
    return closing == null ? Optional.empty() : Optional.ofNullable(closing.get());
  }
}
