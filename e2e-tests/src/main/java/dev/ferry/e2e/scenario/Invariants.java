package dev.ferry.e2e.scenario;

import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.Cluster;
import dev.ferry.proto.v1.ContainerState;
import dev.ferry.proto.v1.GetMigrationRequest;
import dev.ferry.proto.v1.ListContainersRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.testkit.HeartbeatLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What must hold after every scenario, whatever fault it injected (DESIGN.md "Invariant"):
 * exactly one copy of the container runs cluster-wide, that copy's memory checksum is intact and
 * its heartbeat sequence unbroken (the same process kept going), its clocks never went
 * backwards, and the migration record explains the outcome: DONE on the target, or ROLLED_BACK /
 * FAILED with a stable reason code.
 */
public final class Invariants {
  /** Where the container ended up and what its workload saw. */
  public record Outcome(String runningOn, Migration migration, HeartbeatLog heartbeats) {}

  private final Cluster cluster;

  public Invariants(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Checks every invariant (every agent must be up to be asked); throws an AssertionError listing each violation. */
  public Outcome check(String containerId, String migrationId) {
    List<String> violations = new ArrayList<>();
    List<String> running = runningCopies(containerId);
    if (running.size() != 1) {
      violations.add("expected exactly one RUNNING copy of " + containerId + " cluster-wide, found " + running.size()
          + " on " + running);
    }
    Migration m = cluster.coordinatorStub().getMigration(GetMigrationRequest.newBuilder()
        .setMigrationId(migrationId).build());
    explains(m, running, violations);
    HeartbeatLog hb = null;
    if (running.size() == 1) {
      try {
        hb = verifiedOnceMore(cluster.agent(running.getFirst()), containerId);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        hb = HeartbeatLog.read(CliMigration.heartbeats(cluster.agent(running.getFirst()), containerId));
        violations.add("the copy on " + running.getFirst() + " is RUNNING but its workload made no progress "
            + "(no new verification pass within 60 s; last beat seq " + hb.last().seq() + ")");
      }
      hb.sequenceBreak().ifPresent(b -> violations.add("heartbeat sequence broken on " + running.getFirst() + ": " + b));
      if (hb.memoryErrors() != 0) {
        violations.add(hb.memoryErrors() + " memory checksum errors in the copy on " + running.getFirst());
      }
      hb.clockWentBackwards().ifPresent(b -> violations.add("clock went backwards: " + b));
    }
    if (!violations.isEmpty()) {
      throw new AssertionError("invariants violated for " + containerId + " / " + migrationId + ":\n  - "
          + String.join("\n  - ", violations) + "\nrecord: " + m);
    }
    return new Outcome(running.getFirst(), m, hb);
  }

  /** The nodes whose agent reports the container RUNNING. */
  public List<String> runningCopies(String containerId) {
    List<String> nodes = new ArrayList<>();
    for (AgentNode a : cluster.agents()) {
      boolean runs = a.stub().withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
          .listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
          .anyMatch(c -> c.getContainerId().equals(containerId) && c.getState() == ContainerState.CONTAINER_STATE_RUNNING);
      if (runs) {
        nodes.add(a.node());
      }
    }
    return nodes;
  }

  private static void explains(Migration m, List<String> running, List<String> violations) {
    switch (m.getPhase()) {
      case PHASE_DONE -> {
        if (!running.equals(List.of(m.getTargetNode()))) {
          violations.add("record says DONE on " + m.getTargetNode() + " but the container runs on " + running);
        }
      }
      case PHASE_ROLLED_BACK, PHASE_FAILED -> {
        if (m.getError().getReason() == ReasonCode.REASON_CODE_UNSPECIFIED || m.getError().getMessage().isBlank()) {
          violations.add("record " + m.getPhase() + " carries no reason: " + m.getError());
        }
        if (m.getPhase() == Phase.PHASE_ROLLED_BACK && !running.equals(List.of(m.getSourceNode()))) {
          violations.add("record says ROLLED_BACK to " + m.getSourceNode() + " but the container runs on " + running);
        }
      }
      default -> violations.add("migration " + m.getMigrationId() + " is not finished: " + m.getPhase());
    }
  }

  /** Waits for one more full verification pass of the memory, so a corruption would show. */
  static HeartbeatLog verifiedOnceMore(AgentNode agent, String containerId) {
    Path file = CliMigration.heartbeats(agent, containerId);
    long passes = HeartbeatLog.read(file).last().verifiedPasses();
    await("memory of " + containerId + " verified once more on " + agent.node()).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> HeartbeatLog.read(file).last().verifiedPasses() > passes);
    return HeartbeatLog.read(file);
  }
}
