package dev.ferry.coordinator.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Executors;

/**
 * Assembles the coordinator's gRPC server: the API, health and reflection (so grpcurl works),
 * handlers on virtual threads. Takes a ServerBuilder so tests can pass an in-process one.
 */
public final class CoordinatorServer {
  private CoordinatorServer() {}

  public static Server start(ServerBuilder<?> builder, BindableService coordinatorService, BindableService... extra) {
    HealthStatusManager health = new HealthStatusManager();
    for (BindableService service : extra) {
      builder.addService(service);
    }
    Server server = builder
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .addService(coordinatorService)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the coordinator's gRPC server: " + e.getMessage(), e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(dev.ferry.proto.v1.CoordinatorGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return server;
  }
}
