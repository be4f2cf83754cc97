package dev.ferry.coordinator;

import dev.ferry.coordinator.agent.AgentCallPolicy;
import dev.ferry.coordinator.audit.AuditService;
import dev.ferry.coordinator.audit.EtcdAuditLog;
import dev.ferry.security.Transport;
import dev.ferry.security.TransportOptions;
import dev.ferry.security.audit.AuditSink;
import dev.ferry.security.audit.LogAuditSink;
import dev.ferry.coordinator.agent.ResilientAgents;
import dev.ferry.coordinator.etcd.EmbeddedEtcd;
import dev.ferry.coordinator.etcd.EtcdConnection;
import dev.ferry.coordinator.etcd.EtcdOptions;
import dev.ferry.coordinator.etcd.EtcdProbe;
import dev.ferry.coordinator.etcd.EtcdServerTls;
import dev.ferry.security.tls.ClientTls;
import dev.ferry.coordinator.etcd.EtcdTlsException;
import dev.ferry.coordinator.grpc.CoordinatorServer;
import dev.ferry.coordinator.grpc.CoordinatorService;
import dev.ferry.coordinator.grpc.GrpcAgents;
import dev.ferry.coordinator.grpc.LateBoundService;
import dev.ferry.coordinator.observe.CoordinatorObservability;
import dev.ferry.coordinator.registry.EtcdNodeRegistry;
import dev.ferry.coordinator.schedule.Limits;
import dev.ferry.coordinator.service.CoordinatorConfig;
import dev.ferry.coordinator.service.CoordinatorRuntime;
import dev.ferry.observe.ObserveOptions;
import dev.ferry.observe.Observability;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.timesync.SkewGuard;
import io.etcd.jetcd.Client;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry-coordinator}: the control plane process. */
@Command(name = "ferry-coordinator", mixinStandardHelpOptions = true,
    description = "Ferry's control plane: schedules migrations, state in etcd.")
public final class CoordinatorMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorMain.class);

  @Option(names = "--listen", defaultValue = "127.0.0.1:7070", description = "host:port to serve gRPC on")
  String listen;

  @Option(names = "--advertise", defaultValue = "", description = "address other coordinators and clients "
      + "reach this one on (default: --listen)")
  String advertise;

  @Mixin EtcdOptions etcd = new EtcdOptions();

  @Option(names = "--data-dir", defaultValue = "/var/lib/ferry/coordinator",
      description = "where the local etcd keeps its data when --etcd is not given")
  Path dataDir;

  @Option(names = "--max-outbound-per-node", defaultValue = "2")
  int outbound;

  @Option(names = "--max-inbound-per-node", defaultValue = "2")
  int inbound;

  @Option(names = "--max-in-flight", defaultValue = "5")
  int cluster;

  @Option(names = "--audit-keep", defaultValue = "10000", description = "How many audit records etcd keeps (the newest; default: ${DEFAULT-VALUE}).")
  int auditKeep;

  @Mixin TransportOptions transport;

  @Mixin
  ObserveOptions observe = new ObserveOptions();

  @Option(names = "--node-lease-ttl", defaultValue = "PT10S", converter = DurationConverter.class)
  Duration nodeLeaseTtl;

  @Option(names = "--hold-limit", defaultValue = "PT2M", converter = DurationConverter.class,
      description = "How long a migration whose container runs nowhere (source dumped, target not restored) waits "
          + "for a leader able to write etcd (no quorum, leader lost) before it rolls back (default: ${DEFAULT-VALUE}).")
  Duration holdLimit;

  @Option(names = "--election-ttl", defaultValue = "PT5S", converter = DurationConverter.class,
      description = "The leader's etcd lease (at least 2 s): a leader that cannot renew it for this long steps down and "
          + "another coordinator takes over; longer rides out a slow host, shorter fails over sooner (default: ${DEFAULT-VALUE}).")
  Duration electionTtl;

  @Option(names = "--clock-skew-bound", defaultValue = "PT0.1S", converter = DurationConverter.class,
      description = "Largest wall-clock skew between source and target that preflight accepts (ISO-8601 or seconds).")
  Duration clockSkewBound;

  @Option(names = "--clock-skew-action", defaultValue = "refuse", converter = SkewActionConverter.class,
      description = "refuse or warn: what preflight does when the nodes' wall clocks differ by more than the bound.")
  SkewGuard.Mode clockSkewAction;

  /** A running coordinator: close to stop it (and its local etcd, if it started one). */
  public record Running(Server server, CoordinatorRuntime runtime, Client client, EmbeddedEtcd embedded,
      GrpcAgents agents, Observability observability) implements AutoCloseable {
    public int port() {
      return server.getPort();
    }

    @Override
    public void close() {
      server.shutdownNow();
      runtime.close();
      agents.close();
      client.close();
      if (embedded != null) {
        embedded.close();
      }
      observability.close();
    }
  }

  public static void main(String[] args) {
    // Flags win over FERRY_COORDINATOR_* variables, which win over /etc/ferry/coordinator.conf (--config, --print-config).
    System.exit(dev.ferry.config.ConfiguredCommand.run("coordinator", new CoordinatorMain(), args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Running running = start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down");
      running.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }

  public Running start() {
    Transport transport;
    try {
      transport = this.transport.transport();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
    Limits limits = new Limits(outbound, inbound, cluster);
    CoordinatorConfig config;
    try {
      // Checked before anything starts: a bad value is a usage error, not a half-started coordinator.
      config = new CoordinatorConfig(limits, CoordinatorConfig.DEFAULT.retry(), CoordinatorConfig.DEFAULT.stopRule(),
          CoordinatorConfig.DEFAULT.chooser(), nodeLeaseTtl, CoordinatorConfig.DEFAULT.scheduleEvery(), holdLimit, skewGuard(),
          electionTtl);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
    Observability observability = observe.start("ferry-coordinator");
    var observed = new CoordinatorObservability(observability);
    EmbeddedEtcd embedded = null;
    EtcdConnection connection;
    if (etcd.endpoints().isEmpty()) {
      var own = this.transport.files();
      if (own.isPresent()) {
        // The local etcd serves https with the coordinator's own certificate and admits only certificates of the
        // cluster CA; the coordinator trusts it only when it presents that same certificate (loopback needs no SAN).
        ClientTls toLocal = ClientTls.toSelf(own.get());
        embedded = EmbeddedEtcd.start(new SystemProcessRunner(), dataDir.resolve("etcd"), Duration.ofSeconds(30),
            new EtcdServerTls(own.get(), toLocal));
        connection = EtcdConnection.mutualTls(toLocal, embedded.endpoint());
      } else {
        embedded = EmbeddedEtcd.start(new SystemProcessRunner(), dataDir.resolve("etcd"), Duration.ofSeconds(30));
        connection = EtcdConnection.plaintext(embedded.endpoint());
      }
      log.info("no --etcd given: started a local etcd at {} (data in {})", embedded.endpoint(), embedded.dataDir());
    } else {
      try {
        connection = etcd.connection(this.transport.files());
      } catch (IllegalArgumentException e) {
        observability.close();
        throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
      }
      checkEtcd(connection, observability);
    }
    Client client = connection.client(observed.etcdTiming());
    GrpcAgents grpcAgents = new GrpcAgents(new EtcdNodeRegistry(client), transport, observed.agentInterceptors());
    EtcdAuditLog auditLog = new EtcdAuditLog(client, auditKeep);
    var agents = new ResilientAgents(grpcAgents, new AgentCallPolicy(AgentCallPolicy.Settings.DEFAULT));
    int colon = listen.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon),
        Integer.parseInt(listen.substring(colon + 1)));
    Server server = null;
    CoordinatorRuntime runtime = null;
    try {
      // Bind first so the advertised address is real (port 0 picks one), then campaign with it.
      var builder = transport.secure(NettyServerBuilder.forAddress(address), AuditSink.all(new LogAuditSink(), auditLog), "coordinator");
      var service = new LateBoundService();
      server = CoordinatorServer.start(builder, service, new AuditService(auditLog));
      String self = advertise.isEmpty() ? address.getHostString() + ":" + server.getPort() : advertise;
      runtime = CoordinatorRuntime.elected(client, agents, self, config, observed.migrations());
      observed.bind(runtime);
      service.bind(new CoordinatorService(runtime.coordinator(), runtime.registry(), runtime.addresses(),
          nodeLeaseTtl, Duration.ofMillis(200)));
      log.info("coordinator serving on {} (advertised as {}), limits {}", server.getListenSockets(), self, limits);
      return new Running(server, runtime, client, embedded, grpcAgents, observability);
    } catch (RuntimeException e) {
      if (server != null) {
        server.shutdownNow();
      }
      if (runtime != null) {
        runtime.close();
      }
      client.close();
      if (embedded != null) {
        embedded.close();
      }
      observability.close();
      throw e;
    }
  }

  /** A TLS mismatch with etcd stops the start here, naming the endpoint; a member that is merely down does not. */
  private static void checkEtcd(EtcdConnection connection, Observability observability) {
    try {
      for (EtcdProbe.Result r : EtcdProbe.check(connection, Duration.ofSeconds(3))) {
        switch (r) {
          case EtcdProbe.Result.Healthy h -> log.info("etcd at {} is healthy{}", h.endpoint(),
              connection.tls().isPresent() ? " (mutual TLS)" : " (plaintext)");
          case EtcdProbe.Result.Answered a -> log.warn("etcd at {} answers but is not healthy yet: {}", a.endpoint(), a.statusLine());
          case EtcdProbe.Result.Unreachable u -> log.warn("etcd at {} is unreachable for now ({}); jetcd keeps trying",
              u.endpoint(), u.reason());
          case EtcdProbe.Result.Misconfigured m -> throw new EtcdTlsException(m.endpoint(), m.reason());
        }
      }
    } catch (EtcdTlsException e) {
      observability.close();
      throw e;
    }
  }

  private SkewGuard skewGuard() {
    try {
      return new SkewGuard(clockSkewBound, clockSkewAction);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--clock-skew-bound: " + e.getMessage());
    }
  }

  /** refuse | warn, case-insensitive. */
  static final class SkewActionConverter implements CommandLine.ITypeConverter<SkewGuard.Mode> {
    @Override
    public SkewGuard.Mode convert(String value) {
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "refuse" -> SkewGuard.Mode.REFUSE;
        case "warn" -> SkewGuard.Mode.WARN;
        default -> throw new CommandLine.TypeConversionException(
            "expected refuse or warn, got '" + value + "'");
      };
    }
  }

  /** Parses ISO-8601 durations (PT10S) and plain seconds (10). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
    }
  }
}
