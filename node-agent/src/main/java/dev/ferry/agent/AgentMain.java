package dev.ferry.agent;

import dev.ferry.agent.grpc.AgentServer;
import dev.ferry.process.SystemProcessRunner;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry agent}: runs one node agent. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run a Ferry node agent (needs root, crun and CRIU).")
public final class AgentMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

  @Option(names = "--node", required = true, description = "This node's name.")
  String node;

  @Option(names = "--state-dir", defaultValue = "/var/lib/ferry/agent", description = "Where the agent keeps bundles, images and records (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--listen", defaultValue = "0.0.0.0:7071", description = "host:port of the gRPC API (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--busybox", defaultValue = "/bin/busybox", description = "Static busybox for the containers' stdio shim (default: ${DEFAULT-VALUE}).")
  Path busybox;

  @Option(names = "--coordinator", description = "host:port of the coordinator to register with (none: run standalone).")
  String coordinator;

  @Option(names = "--advertise", description = "host:port peers and the coordinator use to reach this agent (default: --listen).")
  String advertise;

  @Option(names = "--register-interval", defaultValue = "PT2S", description = "How often to re-register and report containers (default: ${DEFAULT-VALUE}).")
  Duration registerInterval;

  @Option(names = "--command-timeout", defaultValue = "PT10M", description = "Longest a crun or CRIU call may take, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration commandTimeout;

  @Override
  public Integer call() throws InterruptedException {
    if (!node.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "invalid node name '" + node + "'");
    }
    AgentSteps steps = NodeAgent.build(node, stateDir, busybox, new SystemProcessRunner(), commandTimeout,
        pageServerHost(advertise != null ? advertise : listen));
    Thread.ofVirtual().name("capability-probe").start(() -> steps.capabilities().get(false));
    int colon = listen.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    Server server = AgentServer.start(NettyServerBuilder.forAddress(address), steps, List.of());
    log.info("node agent {} listening on {} (state in {})", node, address, stateDir);
    if (coordinator != null) {
      var channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forTarget(coordinator).usePlaintext().build();
      new dev.ferry.agent.registration.Registrar(steps, advertise != null ? advertise : listen, channel, registerInterval).start();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    server.awaitTermination();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  /**
   * Where a lazy dump's page server listens and what the target is told to connect to: the host
   * peers reach this agent at. A wildcard listen address names no reachable host, so loopback
   * (post-copy then only works between agents on one host) and a warning.
   */
  static String pageServerHost(String hostPort) {
    String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      log.warn("listening on {}: post-copy page servers will listen on 127.0.0.1; pass --advertise host:port for "
          + "post-copy between hosts", hostPort);
      return "127.0.0.1";
    }
    return host;
  }
}
