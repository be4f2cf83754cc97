package dev.ferry.coordinator.grpc;

import dev.ferry.proto.v1.CoordinatorGrpc;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.ServerCall;
import io.grpc.Metadata;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Coordinator service registered before it exists: the server must bind (to learn its port,
 * which the election advertises) before the coordinator that answers is assembled. Until then
 * calls get UNAVAILABLE.
 */
public final class LateBoundService implements BindableService {
  private final AtomicReference<ServerServiceDefinition> target = new AtomicReference<>();

  public void bind(BindableService service) {
    target.set(service.bindService());
  }

  @Override
  public ServerServiceDefinition bindService() {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(CoordinatorGrpc.getServiceDescriptor());
    for (var method : CoordinatorGrpc.getServiceDescriptor().getMethods()) {
      b.addMethod(io.grpc.ServerMethodDefinition.create(cast(method), handler(method.getFullMethodName())));
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static io.grpc.MethodDescriptor<Object, Object> cast(io.grpc.MethodDescriptor<?, ?> m) {
    return (io.grpc.MethodDescriptor<Object, Object>) m;
  }

  private ServerCallHandler<Object, Object> handler(String fullName) {
    return new ServerCallHandler<>() {
      @Override
      @SuppressWarnings("unchecked")
      public ServerCall.Listener<Object> startCall(ServerCall<Object, Object> call, Metadata headers) {
        ServerServiceDefinition bound = target.get();
        if (bound == null) {
          call.close(Status.UNAVAILABLE.withDescription("coordinator starting up; retry shortly"), new Metadata());
          return new ServerCall.Listener<>() { };
        }
        var method = (io.grpc.ServerMethodDefinition<Object, Object>) bound.getMethod(fullName);
        return method.getServerCallHandler().startCall(call, headers);
      }
    };
  }
}
