package dev.ferry.coordinator.placement;

import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.registry.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses a target node: pure, from the nodes' last reported capabilities. Skips the source,
 * NotReady and cordoned nodes and those without room; among the rest prefers the most free
 * memory (within {@link #MEMORY_NOISE}), then more CPUs, then fewer incoming migrations, then
 * the name (stable). Free memory
 * is what the node last reported minus what its in-flight incoming migrations will take
 * (estimated at this container's size each): reports lag, and without that one evacuation
 * would send every container to the same node.
 */
public final class Placer {
  /**
   * Free memory within this much of the best counts as a tie: nodes sampled a moment apart (or
   * sharing a host) differ by page cache and allocator noise, and chasing it would send a whole
   * evacuation to whichever node last reported a few MiB more.
   */
  static final long MEMORY_NOISE = 256L << 20;

  public record Placement(String node, String reason) {}

  /** @throws NoTargetException naming why every node was skipped */
  public Placement place(PlacementRequest req, List<Node> nodes, Map<String, Integer> inbound) {
    List<String> skipped = new ArrayList<>();
    List<Node> fit = new ArrayList<>();
    for (Node n : nodes) {
      Optional<String> why = unfit(req, n);
      if (why.isPresent()) {
        skipped.add(n.name() + " (" + why.get() + ")");
      } else {
        fit.add(n);
      }
    }
    long mostFree = fit.stream().mapToLong(n -> expectedFree(req, n, inbound)).max().orElse(0);
    Comparator<Node> best = Comparator.<Node>comparingInt(n -> n.capabilities().cpuCount()).reversed()
        .thenComparingInt(n -> inbound.getOrDefault(n.name(), 0))
        .thenComparing(Comparator.<Node>comparingLong(n -> expectedFree(req, n, inbound)).reversed())
        .thenComparing(Node::name);
    Node chosen = fit.stream().filter(n -> expectedFree(req, n, inbound) >= mostFree - MEMORY_NOISE).min(best)
        .orElseThrow(() -> new NoTargetException("no node can take container "
        + req.containerId() + ": " + (skipped.isEmpty() ? "no nodes registered" : String.join(", ", skipped))));
    String reason = "most free memory: " + (chosen.capabilities().memoryAvailableBytes() >> 20) + " MiB free, "
        + chosen.capabilities().cpuCount() + " cpus" + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped));
    return new Placement(chosen.name(), reason);
  }

  private static long expectedFree(PlacementRequest req, Node n, Map<String, Integer> inbound) {
    return n.capabilities().memoryAvailableBytes() - inbound.getOrDefault(n.name(), 0) * Math.max(req.memoryBytes(), 0);
  }

  /** Checks a target the caller named, with the reason code the API reports. */
  public void check(PlacementRequest req, Node target) {
    if (target.name().equals(req.sourceNode())) {
      throw new TargetRejectedException(Reason.INVALID_ARGUMENT, "target node " + target.name()
          + " is the source node: a container cannot migrate to the node it runs on");
    }
    if (!target.ready()) {
      throw new TargetRejectedException(Reason.NODE_NOT_READY, "target node " + target.name()
          + " is not ready: its agent stopped renewing its registration");
    }
    if (target.cordoned()) {
      throw new TargetRejectedException(Reason.NODE_CORDONED, "target node " + target.name() + " is cordoned"
          + (target.cordonReason().isEmpty() ? "" : " (" + target.cordonReason() + ")")
          + "; uncordon it or pick another target");
    }
  }

  private static Optional<String> unfit(PlacementRequest req, Node n) {
    if (n.name().equals(req.sourceNode())) {
      return Optional.of("source");
    }
    if (!n.ready()) {
      return Optional.of("not ready");
    }
    if (n.cordoned()) {
      return Optional.of("cordoned");
    }
    if (n.capabilities() == null) {
      return Optional.of("no capabilities reported");
    }
    if (n.capabilities().memoryAvailableBytes() < req.memoryBytes()) {
      return Optional.of("needs " + (req.memoryBytes() >> 20) + " MiB, has "
          + (n.capabilities().memoryAvailableBytes() >> 20) + " MiB free");
    }
    return Optional.empty();
  }
}
