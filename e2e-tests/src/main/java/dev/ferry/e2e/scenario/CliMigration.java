package dev.ferry.e2e.scenario;

import static org.awaitility.Awaitility.await;

import dev.ferry.cli.MigrateMain;
import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.Cluster;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.GetMigrationRequest;
import dev.ferry.proto.v1.ListMigrationsRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.testkit.HeartbeatLog;
import dev.ferry.testkit.TestRootfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One container created on a node and moved to another with the real {@code migrate} command,
 * judged from inside by its heartbeats: the README's demo prints this, the end-to-end suite
 * asserts on it.
 */
public final class CliMigration {
  /** What happened, from outside (the migration record) and inside (the workload's heartbeats). */
  public record Result(int exitCode, Migration migration, HeartbeatLog heartbeats, Duration total) {}

  private final Cluster cluster;

  public CliMigration(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Creates the workload container on {@code node} and waits until its whole memory was verified once. */
  public void createWorkload(String node, String containerId, int memoryMiB) {
    createWorkload(node, containerId, memoryMiB, 4);
  }

  /** As above, rewriting {@code dirtyMiBPerSecond} of its memory every second (what pre-copy has to chase). */
  public void createWorkload(String node, String containerId, int memoryMiB, double dirtyMiBPerSecond) {
    createWorkload(node, containerId, memoryMiB, dirtyMiBPerSecond, 0);
  }

  /** As above, the rewrites staying within the first {@code workingSetMiB} (0: all of the memory). */
  public void createWorkload(String node, String containerId, int memoryMiB, double dirtyMiBPerSecond, int workingSetMiB) {
    Path rootfs = TestRootfs.build(cluster.workDir().resolve("rootfs-" + containerId));
    cluster.agent(node).stub().createContainer(CreateContainerRequest.newBuilder().setContainerId(containerId)
        .setRootfsPath(rootfs.toString()).addAllArgs(TestRootfs.workloadArgs(memoryMiB, dirtyMiBPerSecond, workingSetMiB, 5))
        .setStart(true)
        .setLimits(dev.ferry.proto.v1.ResourceLimits.newBuilder().setMemoryLimitBytes((long) (memoryMiB + 64) << 20)).build());
    Path hb = heartbeats(cluster.agent(node), containerId);
    await("workload " + containerId + " verified its memory").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.exists(hb) && HeartbeatLog.read(hb).size() > 1 && HeartbeatLog.read(hb).last().verifiedPasses() >= 1);
  }

  /** Runs {@code migrate --from --to ID} in this JVM (its live output goes to stdout). */
  public Result migrate(String from, String to, String containerId, String... extra) {
    long start = System.nanoTime();
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--coordinator", cluster.coordinatorAddress(),
        "--from", from, "--to", to));
    args.addAll(cluster.pki().args(dev.ferry.e2e.cluster.CoordinatorNode.OPERATOR));
    args.addAll(java.util.List.of(extra));
    args.add(containerId);
    int exit = MigrateMain.run(args.toArray(String[]::new));
    Duration total = Duration.ofNanos(System.nanoTime() - start);
    Migration m = latest(containerId);
    AgentNode where = exit == 0 ? cluster.agent(to) : cluster.agent(from);
    Path hb = heartbeats(where, containerId);
    long passes = HeartbeatLog.read(hb).last().verifiedPasses();
    // One more full verification pass of the memory where the container now runs.
    await("memory verified after the migration").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> HeartbeatLog.read(hb).last().verifiedPasses() > passes);
    return new Result(exit, m, HeartbeatLog.read(hb), total);
  }

  public Migration latest(String containerId) {
    var all = cluster.coordinatorStub().listMigrations(ListMigrationsRequest.newBuilder().setContainerId(containerId).build());
    Migration newest = all.getMigrationsList().stream().max(java.util.Comparator.comparing(m -> m.getCreatedAt().getSeconds() * 1_000_000_000L + m.getCreatedAt().getNanos()))
        .orElseThrow(() -> new IllegalStateException("no migration of " + containerId));
    return cluster.coordinatorStub().getMigration(GetMigrationRequest.newBuilder().setMigrationId(newest.getMigrationId()).build());
  }

  public static Path heartbeats(AgentNode agent, String containerId) {
    return agent.stateDir().resolve("containers").resolve(containerId).resolve("bundle/rootfs").resolve(TestRootfs.HEARTBEAT.substring(1));
  }
}
