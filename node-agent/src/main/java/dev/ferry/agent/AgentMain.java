package dev.ferry.agent;

import dev.ferry.agent.grpc.AgentServer;
import dev.ferry.agent.transfer.PeerChannels;
import dev.ferry.security.Transport;
import dev.ferry.security.TransportOptions;
import dev.ferry.security.audit.LogAuditSink;
import dev.ferry.agent.observe.AgentObservability;
import dev.ferry.observe.ObserveOptions;
import dev.ferry.observe.Observability;
import dev.ferry.process.SystemProcessRunner;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import dev.ferry.agent.network.ContainerNetworkConfig;
import dev.ferry.agent.network.ContainerNetworks;
import dev.ferry.agent.network.CoordinatorAddresses;
import dev.ferry.agent.network.Networking;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Option(names = "--container-network", description = "CIDR of the container network (e.g. 198.18.71.0/24): every container gets an "
      + "address from it for life (needs --coordinator). None: containers get a private namespace, loopback only.")
  String containerNetwork;

  @Option(names = "--bridge", defaultValue = "ferry0", description = "The node's bridge on the container network; created if missing "
      + "(enslave the node's uplink to it) (default: ${DEFAULT-VALUE}).")
  String bridge;

  @Option(names = "--mtu", defaultValue = "1500", description = "MTU of the containers' interfaces (default: ${DEFAULT-VALUE}).")
  int mtu;

  @Option(names = "--announce-hook", description = "Routed fabrics: a shell command run when a container's address arrives on or leaves "
      + "this node, with FERRY_ACTION (announce|withdraw), FERRY_ADDRESS, FERRY_PREFIX, FERRY_CONTAINER, FERRY_NODE, FERRY_NETNS.")
  String announceHook;

  @Mixin TransportOptions transportOptions;
  @Mixin
  ObserveOptions observe = new ObserveOptions();

  @Override
  public Integer call() throws InterruptedException {
    Transport transport;
    try {
      transport = transportOptions.transport();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
    if (!node.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "invalid node name '" + node + "'");
    }
    String advertised = advertise != null ? advertise : listen;
    String advertisedHost = advertised.substring(0, advertised.lastIndexOf(':'));
    if (advertisedHost.equals("0.0.0.0") || advertisedHost.equals("::")) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--listen " + listen + " binds every address: give --advertise host:port, the address peers reach this node at");
    }
    // Peers reach this node's CRIU page server (post-copy) at the advertised host.
    if (containerNetwork != null && coordinator == null) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--container-network needs --coordinator: container addresses are allocated in the coordinator's etcd");
    }
    Observability observability = observe.start("ferry-agent");
    var coordinatorChannel = coordinator == null ? null
        : transport.channel(coordinator).build();
    SystemProcessRunner runner = new SystemProcessRunner();
    ContainerNetworkConfig network;
    try {
      network = containerNetwork == null ? null : new ContainerNetworkConfig(containerNetwork, bridge, mtu, announceHook);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
    AgentSteps steps = NodeAgent.build(node, stateDir, busybox, runner, commandTimeout, advertisedHost,
        layout -> network == null ? Networking.none() : Networking.of(
            new ContainerNetworks(network, node, runner, busybox, layout.stateDir().resolve("tmp")).ensureBridge(),
            new CoordinatorAddresses(coordinatorChannel, node)), PeerChannels.over(transport));
    Thread.ofVirtual().name("capability-probe").start(() -> steps.capabilities().get(false));
    int colon = listen.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    Server server = AgentServer.start(transport.secure(NettyServerBuilder.forAddress(address), new LogAuditSink(), "node/" + node)
        .intercept(AgentObservability.interceptor(observability, steps)), steps, List.of());
    log.info("node agent {} listening on {} (state in {})", node, address, stateDir);
    if (coordinatorChannel != null) {
      new dev.ferry.agent.registration.Registrar(steps, advertised, coordinatorChannel, registerInterval).start();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      observability.close();
    }));
    server.awaitTermination();
    return 0;
  }

  public static void main(String[] args) {
    // Flags win over FERRY_AGENT_* variables, which win over /etc/ferry/agent.conf (--config, --print-config).
    System.exit(dev.ferry.config.ConfiguredCommand.run("agent", new AgentMain(), args));
  }
}
