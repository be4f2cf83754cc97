package dev.ferry.agent.capability;

import dev.ferry.agent.criu.CriuCommands;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.process.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Probes this node once at start (trials included), caches the result, and re-probes on request. */
public final class CapabilityProbe {
  private static final Logger log = LoggerFactory.getLogger(CapabilityProbe.class);

  private final String node;
  private final Path stateDir;
  private final CriuCommands criu;
  private final CrunCommands crun;
  private final CriuTrials trials;
  private final InstantSource clock;
  private final AtomicReference<NodeCapabilities> cached = new AtomicReference<>();

  public CapabilityProbe(String node, Path stateDir, CriuCommands criu, CrunCommands crun, CriuTrials trials, InstantSource clock) {
    this.node = node;
    this.stateDir = stateDir;
    this.criu = criu;
    this.crun = crun;
    this.trials = trials;
    this.clock = clock;
  }

  public NodeCapabilities get(boolean refresh) {
    NodeCapabilities c = cached.get();
    if (c == null || refresh) {
      synchronized (this) { // callers racing the first probe wait for it instead of probing again
        c = cached.get();
        if (c == null || refresh) {
          c = probe();
          cached.set(c);
        }
      }
    }
    return withFreshResources(c);
  }

  /** The slow part: versions, features and the three trials. */
  private NodeCapabilities probe() {
    long start = System.nanoTime();
    Feature checkpoint = withSecondChance("checkpoint", trials::checkpointRestore);
    Feature dirty = trials.preDump();
    Feature lazy = checkpoint.available() ? withSecondChance("lazy-pages", trials::lazyPages)
        : Feature.no("checkpoint/restore itself failed: " + checkpoint.reason());
    Feature timens = feature("timens", "time namespaces");
    boolean nft = criu.checkFeature("network-lock-nftables").succeeded();
    boolean iptables = Files.isExecutable(Path.of("/usr/sbin/iptables-restore")) || Files.isExecutable(Path.of("/sbin/iptables-restore"));
    Feature netLock = nft || iptables ? Feature.yes(nft ? "nftables" : "iptables-restore present")
        : Feature.no("neither nftables support in CRIU nor iptables-restore: install iptables");
    NodeCapabilities c = new NodeCapabilities(node, HostFacts.kernel(), criu.version(), crun.version(), checkpoint, dirty, lazy,
        timens, netLock, nft ? "nftables" : iptables ? "iptables" : "none", cpuinfo(), HostFacts.cpuModel(),
        Runtime.getRuntime().availableProcessors(), 0, 0, 0, clock.instant());
    log.info("capabilities of {} probed in {} ms: checkpoint={} pre-dump={} lazy-pages={} timens={} network-lock={}",
        node, (System.nanoTime() - start) / 1_000_000, checkpoint.available(), dirty.available(), lazy.available(),
        timens.available(), c.networkLockMethod());
    for (var missing : java.util.Map.of("checkpoint", checkpoint, "pre-dump", dirty, "lazy-pages", lazy, "timens", timens).entrySet()) {
      if (!missing.getValue().available()) {
        log.info("{} cannot {}: {}", node, missing.getKey(), missing.getValue().reason());
      }
    }
    return c;
  }

  /**
   * A "no" turns a strategy off for the agent's lifetime, so one failed trial on a
   * loaded machine (agents start together) gets a second chance; a real obstacle fails twice.
   */
  private Feature withSecondChance(String name, Supplier<Feature> trial) {
    Feature first = trial.get();
    if (first.available()) {
      return first;
    }
    log.warn("{}: {} trial failed, trying once more: {}", node, name, first.reason());
    return trial.get();
  }

  private NodeCapabilities withFreshResources(NodeCapabilities c) {
    return new NodeCapabilities(c.node(), c.kernel(), c.criuVersion(), c.crunVersion(), c.checkpointRestore(),
        c.dirtyTracking(), c.lazyPages(), c.timeNamespaces(), c.networkLock(), c.networkLockMethod(), c.cpuinfoImage(),
        c.cpuModel(), c.cpuCount(), HostFacts.meminfo("MemTotal"), HostFacts.meminfo("MemAvailable"),
        HostFacts.diskAvailable(stateDir), c.probedAt());
  }

  private Feature feature(String name, String what) {
    ProcessResult r = criu.checkFeature(name);
    return r.succeeded() ? Feature.yes("criu check --feature " + name)
        : Feature.no(what + " unsupported: " + (r.stdout() + r.stderr()).strip());
  }

  private byte[] cpuinfo() {
    try {
      Path dir = Files.createDirectories(stateDir.resolve("probe/cpuinfo"));
      ProcessResult r = criu.cpuinfoDump(dir);
      Path img = dir.resolve("cpuinfo.img");
      return r.succeeded() && Files.exists(img) ? Files.readAllBytes(img) : new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
