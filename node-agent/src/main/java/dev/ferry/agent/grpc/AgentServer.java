package dev.ferry.agent.grpc;

import dev.ferry.agent.AgentSteps;
import dev.ferry.timesync.Ticker;
import dev.ferry.timesync.grpc.ClockService;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.List;

/** Assembles the agent's gRPC server: its services, health and reflection. Takes any builder, so tests can go in-process. */
public final class AgentServer {
  private AgentServer() {}

  public static Server start(ServerBuilder<?> builder, AgentSteps steps, List<BindableService> extra) {
    HealthStatusManager health = new HealthStatusManager();
    // Lets the Transfer receiver tell a message its transport refused from a broken connection.
    builder.addStreamTracerFactory(new dev.ferry.transfer.grpc.StreamClosings());
    builder.addService(new NodeAgentService(steps))
        .addService(dev.ferry.transfer.grpc.TransferService.create(steps.transferAdmission(),
            // Post-copy connects the lazy-pages daemon straight to the source page server; no relay is announced yet.
            dev.ferry.transfer.RelayAdmission.none()))
        // Lets the coordinator probe the clock offset between nodes (preflight skew, blackout measurement).
        .addService(new ClockService(steps.node(), InstantSource.system(), Ticker.SYSTEM))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    extra.forEach(builder::addService);
    try {
      Server server = builder.build().start();
      health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the agent's gRPC server", e);
    }
  }
}
