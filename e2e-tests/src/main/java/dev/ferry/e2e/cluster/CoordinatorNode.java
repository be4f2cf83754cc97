package dev.ferry.e2e.cluster;

import dev.ferry.coordinator.CoordinatorMain;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.RunningProcess;
import dev.ferry.proto.v1.CoordinatorGrpc;
import io.grpc.ManagedChannel;
import dev.ferry.security.Identity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/**
 * A coordinator as its own process on the host, reachable from every node's namespace over the
 * bridge; or, for a cluster where every JVM start costs minutes (the stock-kernel lane's emulated
 * guest), inside this JVM through {@link CoordinatorMain#start()}, the same flags and the same code.
 */
public final class CoordinatorNode implements AutoCloseable {
  private final ProcessRunner runner;
  private final String address;
  private final String etcdEndpoint;
  private final Path log;
  private final ClusterPki pki;
  private final List<String> extraArgs;
  private final boolean inProcess;
  private final Duration nodeLeaseTtl;
  private final Duration electionTtl;
  private RunningProcess process;
  private CompletableFuture<CoordinatorMain.Running> inThisJvm;
  private ManagedChannel channel;
  private int starts;

  public CoordinatorNode(ProcessRunner runner, String address, String etcdEndpoint, Path log, ClusterPki pki) {
    this(runner, address, etcdEndpoint, log, pki, List.of());
  }

  /** @param extraArgs more flags for the process (metrics, tracing) */
  public CoordinatorNode(ProcessRunner runner, String address, String etcdEndpoint, Path log, ClusterPki pki,
      List<String> extraArgs) {
    this(runner, address, etcdEndpoint, log, pki, extraArgs, ClusterMode.REAL);
  }

  /** @param mode whether it runs in this JVM (its log lines then go to this JVM's output, not {@code log}), its node lease */
  public CoordinatorNode(ProcessRunner runner, String address, String etcdEndpoint, Path log, ClusterPki pki,
      List<String> extraArgs, ClusterMode mode) {
    this.inProcess = mode.coordinatorInProcess();
    this.nodeLeaseTtl = mode.nodeLeaseTtl();
    this.electionTtl = mode.electionTtl();
    this.pki = pki;
    this.extraArgs = List.copyOf(extraArgs);
    this.runner = runner;
    this.address = address;
    this.etcdEndpoint = etcdEndpoint;
    this.log = log;
  }

  public CoordinatorNode start() {
    List<String> args = new java.util.ArrayList<>(List.of("--listen", address, "--etcd", etcdEndpoint, "--node-lease-ttl", nodeLeaseTtl.toString(),
        "--election-ttl", electionTtl.toString()));
    args.addAll(pki.args(Identity.coordinator(), address.substring(0, address.lastIndexOf(':'))));
    args.addAll(extraArgs);
    if (inProcess) {
      CoordinatorMain main = new CoordinatorMain();
      new CommandLine(main).parseArgs(args.toArray(String[]::new));
      // Its election waits for etcd: meanwhile the agents' processes start.
      inThisJvm = CompletableFuture.supplyAsync(main::start, r -> Thread.ofVirtual().name("coordinator-start").start(r));
      starts++;
    } else {
      process = JavaProcess.start(runner, List.of(), "dev.ferry.coordinator.CoordinatorMain", args,
          starts++ == 0 ? log : log.resolveSibling(log.getFileName() + "." + starts)); // a restart keeps the dead one's log
    }
    if (channel == null) {
      // The harness calls the coordinator as an operator would.
      channel = pki.transport(OPERATOR).channel(address).build();
    }
    return this;
  }

  /** The identity the harness (and the CLI it runs) uses on the coordinator. */
  public static final Identity OPERATOR = Identity.operator("e2e");

  public String address() {
    return address;
  }

  public CoordinatorGrpc.CoordinatorBlockingStub stub() {
    return CoordinatorGrpc.newBlockingStub(channel);
  }

  public boolean isAlive() {
    if (inProcess) {
      return inThisJvm != null && !inThisJvm.isCompletedExceptionally();
    }
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a crash would; in this JVM, a stop. */
  public void kill() {
    if (inProcess) {
      CompletableFuture<CoordinatorMain.Running> started = inThisJvm;
      inThisJvm = null;
      started.thenAccept(CoordinatorMain.Running::close);
      return;
    }
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    process.await(Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    if (isAlive()) {
      kill();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
