package dev.ferry.agent.grpc;

import static dev.ferry.agent.grpc.AgentFixtures.migration;
import static dev.ferry.agent.grpc.AgentFixtures.rootfs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.agent.network.AddressSource;
import dev.ferry.agent.network.Attachment;
import dev.ferry.agent.network.ContainerNetworkConfig;
import dev.ferry.agent.network.ContainerNetworks;
import dev.ferry.agent.network.Networking;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.process.ProcessSpec;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerRef;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.DeleteContainerRequest;
import dev.ferry.proto.v1.DumpRequest;
import dev.ferry.proto.v1.FinalizeRequest;
import dev.ferry.proto.v1.PrepareRestoreRequest;
import dev.ferry.proto.v1.RestoreRequest;
import dev.ferry.proto.v1.ResumeOnSourceRequest;
import dev.ferry.testkit.AgentHarness;
import dev.ferry.testkit.Timing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's address and open TCP connections move with it: two real agents on one
 * bridge (as two nodes on one segment), a TCP echo server in the container, a client in this
 * namespace that keeps one connection across dump, transfer and restore. Addresses come from
 * a fixed source here; the coordinator's etcd allocator is covered by its own tests and the
 * end-to-end suite.
 */
class ContainerNetworkIT {
  private static final Logger log = LoggerFactory.getLogger(ContainerNetworkIT.class);
  private static final String BRIDGE = "ftnbr0";
  private static final String NETWORK = "198.18.90.0/24";
  private static final String ADDRESS = "198.18.90.10";
  private static final int PORT = 7000;

  @TempDir Path dir;
  AgentHarness a;
  AgentHarness b;
  Path rootfs;
  Path hookLog;

  @BeforeEach
  void start() {
    rootfs = rootfs(dir);
    run("ip", "link", "del", BRIDGE); // a crashed run's leftover
    runChecked("ip", "link", "add", BRIDGE, "type", "bridge");
    runChecked("ip", "addr", "add", "198.18.90.1/24", "dev", BRIDGE);
    runChecked("ip", "link", "set", BRIDGE, "up");
    hookLog = dir.resolve("announcements.log");
    a = new AgentHarness("neta", dir.resolve("a"), layout -> networking("neta", layout.stateDir()));
    b = new AgentHarness("netb", dir.resolve("b"), layout -> networking("netb", layout.stateDir()));
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    run("ip", "link", "del", BRIDGE);
  }

  @Test
  void anOpenConnectionAndTheAddressMoveWithTheContainer() throws Exception {
    ContainerInfo created = a.stub().createContainer(echoServer("web"));
    assertThat(created.getAddress()).isEqualTo(ADDRESS);
    try (Client client = Client.connect(ADDRESS, PORT)) {
      assertThat(client.echo("before")).isEqualTo("before");

      var dump = a.stub().dump(DumpRequest.newBuilder().setMigration(migration("n1", 1)).setContainerId("web")
          .setTcpEstablished(true).build());
      long frozen = System.nanoTime();
      assertThat(linkUp("neta", "web")).as("the source stops answering for the address once dumped").isFalse();
      var slot = b.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(migration("n1", 1))
          .setContainerId("web").setSourceNode("neta").setExpectedBytes(dump.getImageBytes()).build());
      a.sendTo(b, "n1", "web", dump.getImageId(), slot.getTransferToken());
      var restored = b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("n1", 1)).setContainerId("web")
          .setImageId(slot.getImageId()).setTcpEstablished(true).build());
      assertThat(restored.getContainer().getAddress()).isEqualTo(ADDRESS);
      assertThat(linkUp("netb", "web")).isTrue();

      long sent = System.nanoTime();
      assertThat(client.echo("after")).as("the same connection, no reset").isEqualTo("after");
      log.info("connection kept across the move: blackout (dump to first echo on the target) {} ms, echo after restore {} ms",
          (System.nanoTime() - frozen) / 1_000_000, (System.nanoTime() - sent) / 1_000_000);
    }
    try (Client fresh = Client.connect(ADDRESS, PORT)) {
      assertThat(fresh.echo("new")).as("the listening socket accepts on the target").isEqualTo("new");
    }
    a.stub().finalize(FinalizeRequest.newBuilder().setMigration(migration("n1", 1)).setContainerId("web").build());
    assertThat(Path.of("/run/netns/ferry-" + BRIDGE + "-neta-web")).as("the source namespace goes at commit").doesNotExist();
    assertThat(Path.of("/run/netns/ferry-" + BRIDGE + "-netb-web")).exists();
    b.stub().deleteContainer(DeleteContainerRequest.newBuilder().setContainerId("web").setForce(true).build());
    assertThat(Path.of("/run/netns/ferry-" + BRIDGE + "-netb-web")).doesNotExist();
    assertThat(java.nio.file.Files.readAllLines(hookLog)).as("what a routed fabric is told, in order").containsExactly(
        "announce neta " + ADDRESS + "/24", "withdraw neta " + ADDRESS + "/24",
        "announce netb " + ADDRESS + "/24", "withdraw netb " + ADDRESS + "/24");
  }

  @Test
  void aRollbackReannouncesTheAddressOnTheSource() throws Exception {
    a.stub().createContainer(echoServer("back"));
    try (Client client = Client.connect(ADDRESS, PORT)) {
      assertThat(client.echo("one")).isEqualTo("one");
      a.stub().dump(DumpRequest.newBuilder().setMigration(migration("n2", 1)).setContainerId("back").setTcpEstablished(true).build());
      assertThat(linkUp("neta", "back")).isFalse();
      var resumed = a.stub().resumeOnSource(ResumeOnSourceRequest.newBuilder().setMigration(migration("n2", 1))
          .setContainerId("back").setImageId("final").setReason("test rollback").build());
      assertThat(resumed.getState()).isEqualTo(ContainerState.CONTAINER_STATE_RUNNING);
      assertThat(linkUp("neta", "back")).isTrue();
      assertThat(client.echo("two")).as("the connection survives the rollback").isEqualTo("two");
    }
  }

  /**
   * Clients that keep opening new connections while the container is dumped: each connection
   * the kernel completes for the frozen application must be answered, on the target. Before
   * the agent held new connections during the dump, some were accepted into the listen queue,
   * left behind by CRIU (skip-in-flight) and their clients waited for an echo that never came.
   */
  @Test
  void connectionsOpenedDuringTheDumpAreAnsweredOrNeverAccepted() throws Exception {
    a.stub().createContainer(echoServer("busy"));
    try (Client warm = Client.connect(ADDRESS, PORT)) {
      assertThat(warm.echo("up")).isEqualTo("up");
    }
    try (ConnectLoop loop = ConnectLoop.start(ADDRESS, PORT, 4)) {
      await("connections flowing").atMost(Timing.seconds(10)).until(() -> loop.answered() >= 20);
      var dump = a.stub().dump(DumpRequest.newBuilder().setMigration(migration("n4", 1)).setContainerId("busy")
          .setTcpEstablished(true).build());
      var slot = b.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(migration("n4", 1))
          .setContainerId("busy").setSourceNode("neta").setExpectedBytes(dump.getImageBytes()).build());
      a.sendTo(b, "n4", "busy", dump.getImageId(), slot.getTransferToken());
      b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("n4", 1)).setContainerId("busy")
          .setImageId(slot.getImageId()).setTcpEstablished(true).build());
      long afterRestore = loop.answered();
      await("new connections answered on the target").atMost(Timing.seconds(20)).until(() -> loop.answered() >= afterRestore + 20);
      loop.stop();
      log.info("connections during the dump: {} answered, {} not connected (retried), {} accepted and lost",
          loop.answered(), loop.notConnected(), loop.lost());
      assertThat(loop.lost()).as("connections accepted for the frozen container and never answered: %s", loop.lostDetail())
          .isZero();
    }
  }

  /** A migration that drops connections (close_tcp_connections) closes them instead of being refused. */
  @Test
  void droppedConnectionsAreClosedAndTheServiceStaysReachable() throws Exception {
    a.stub().createContainer(echoServer("drop"));
    try (Client old = Client.connect(ADDRESS, PORT)) {
      assertThat(old.echo("held")).isEqualTo("held");
      var dump = a.stub().dump(DumpRequest.newBuilder().setMigration(migration("n3", 1)).setContainerId("drop")
          .setCloseTcpConnections(true).build());
      var slot = b.stub().prepareRestore(PrepareRestoreRequest.newBuilder().setMigration(migration("n3", 1))
          .setContainerId("drop").setSourceNode("neta").setExpectedBytes(dump.getImageBytes()).build());
      a.sendTo(b, "n3", "drop", dump.getImageId(), slot.getTransferToken());
      b.stub().restore(RestoreRequest.newBuilder().setMigration(migration("n3", 1)).setContainerId("drop")
          .setImageId(slot.getImageId()).build());
      String answer;
      try {
        answer = old.echo("dropped?");
      } catch (IOException reset) {
        answer = null;
      }
      assertThat(answer).as("the dropped connection is closed, not carried").isNull();
    }
    try (Client fresh = Client.connect(ADDRESS, PORT)) {
      assertThat(fresh.echo("new")).as("new connections reach the container on the target").isEqualTo("new");
    }
  }

  private CreateContainerRequest echoServer(String id) {
    return CreateContainerRequest.newBuilder().setContainerId(id).setRootfsPath(rootfs.toString())
        .addAllArgs(List.of("/bin/nc", "-ll", "-p", Integer.toString(PORT), "-e", "/bin/cat")).setStart(true).build();
  }

  /** The routed-fabric hook here only writes down what it was asked to do, in order. */
  private Networking networking(String node, Path stateDir) {
    String hook = "echo \"$FERRY_ACTION $FERRY_NODE $FERRY_ADDRESS/$FERRY_PREFIX\" >> " + hookLog;
    ContainerNetworks networks = new ContainerNetworks(new ContainerNetworkConfig(NETWORK, BRIDGE, 1500, hook), node,
        AgentHarness.RUNNER, Path.of("/bin/busybox"), stateDir.resolve("tmp")).ensureBridge();
    return Networking.of(networks, new FixedAddress());
  }

  /** The one address these tests use; the real allocator lives in the coordinator. */
  private static final class FixedAddress implements AddressSource {
    @Override
    public Attachment allocate(ContainerId id, String network) {
      return new Attachment(ADDRESS, 24);
    }

    @Override
    public void release(ContainerId id) {}
  }

  private boolean linkUp(String node, String id) {
    ContainerNetworks probe = new ContainerNetworks(new ContainerNetworkConfig(NETWORK, BRIDGE, 1500, null), node,
        AgentHarness.RUNNER, Path.of("/bin/busybox"), dir);
    String veth = probe.hostVethName(new ContainerId(id));
    String out = AgentHarness.RUNNER.runChecked(ProcessSpec.of("ip", "-o", "link", "show", veth)).stdout();
    return out.contains(",UP") || out.contains("<UP");
  }

  private static void run(String... argv) {
    AgentHarness.RUNNER.run(ProcessSpec.of(argv));
  }

  private static void runChecked(String... argv) {
    AgentHarness.RUNNER.runChecked(ProcessSpec.of(argv));
  }

  /**
   * Loops that each open a connection (1 s to connect), send a line, wait up to 15 s for its
   * echo and close: an echo counts as answered, a failed connect as not connected (the client
   * retries), a connection whose echo never comes as lost.
   */
  private static final class ConnectLoop implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong notConnected = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Queue<String> lost = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new java.util.ArrayList<>();
    private volatile boolean running = true;

    static ConnectLoop start(String host, int port, int loops) {
      ConnectLoop l = new ConnectLoop();
      for (int i = 0; i < loops; i++) {
        l.threads.add(Thread.ofVirtual().start(() -> l.run(host, port)));
      }
      return l;
    }

    private void run(String host, int port) {
      while (running) {
        try (Socket s = new Socket()) {
          try {
            s.connect(new InetSocketAddress(host, port), 1000);
          } catch (IOException e) {
            notConnected.incrementAndGet();
            continue;
          }
          s.setSoTimeout(15_000);
          s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
          String echo = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
          if ("ping".equals(echo)) {
            answered.incrementAndGet();
          } else {
            lost.add(s.getLocalPort() + ": " + echo);
          }
        } catch (IOException e) {
          lost.add(e.toString());
        }
      }
    }

    long answered() {
      return answered.get();
    }

    long notConnected() {
      return notConnected.get();
    }

    long lost() {
      return lost.size();
    }

    String lostDetail() {
      return lost.stream().limit(5).toList().toString();
    }

    void stop() throws InterruptedException {
      running = false;
      for (Thread t : threads) {
        t.join();
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  /** One TCP connection that sends a line and reads its echo. */
  private record Client(Socket socket, PrintWriter out, BufferedReader in) implements AutoCloseable {
    static Client connect(String host, int port) {
      Client[] client = new Client[1];
      await().atMost(Timing.seconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
        try {
          Socket s = new Socket();
          s.connect(new InetSocketAddress(host, port), 2000);
          s.setSoTimeout((int) Timing.seconds(30).toMillis());
          client[0] = new Client(s, new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8),
              new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)));
          return true;
        } catch (IOException e) {
          return false; // not listening yet
        }
      });
      return client[0];
    }

    String echo(String line) throws IOException {
      out.println(line);
      return in.readLine();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
