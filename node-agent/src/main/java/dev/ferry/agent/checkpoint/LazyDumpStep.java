package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.capability.CapabilityProbe;
import dev.ferry.agent.capability.Feature;
import dev.ferry.agent.capability.Ports;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerRecord;
import dev.ferry.agent.container.ContainerStore;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.agent.container.Lifecycle;
import dev.ferry.agent.criu.CriuConfig;
import dev.ferry.agent.runtime.CheckpointOptions;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.RunningProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Post-copy, source side: {@code crun checkpoint} with a CRIU configuration file (crun has no
 * flag for it) that makes CRIU dump everything but memory and then serve the pages from a page
 * server on {@code address:port} until the target's lazy-pages daemon has pulled them all.
 * Returns as soon as the page server listens; the dump process is kept in {@link PageServers}.
 */
public final class LazyDumpStep {
  public static final String LAZY_IMAGE = "lazy";
  private static final Duration PAGE_SERVER_LIFETIME = Duration.ofHours(6);

  private final NodeLayout layout;
  private final ContainerManager containers;
  private final CrunCommands crun;
  private final CapabilityProbe capabilities;
  private final PageServers pageServers;
  private final CpuThrottle throttle;
  private final ProcessRunner runner;
  private final InstantSource clock;
  private final Duration startTimeout;
  private final String defaultAddress;

  public LazyDumpStep(NodeLayout layout, ContainerManager containers, CrunCommands crun, CapabilityProbe capabilities,
      CpuThrottle throttle, PageServers pageServers, ProcessRunner runner, InstantSource clock, Duration startTimeout,
      String defaultAddress) {
    this.throttle = throttle;
    this.layout = layout;
    this.containers = containers;
    this.crun = crun;
    this.capabilities = capabilities;
    this.pageServers = pageServers;
    this.runner = runner;
    this.clock = clock;
    this.startTimeout = startTimeout;
    this.defaultAddress = defaultAddress;
  }

  public record Started(DumpResult dump, String address, int port) {}

  /**
   * @param address where the page server listens; blank for this node's advertised address
   * @param port    its port; 0 for a free one
   */
  public Started lazyDump(MigrationContext ctx, ContainerId id, boolean tcpEstablished, boolean closeConnections,
      String address, int port) {
    address = address == null || address.isBlank() ? defaultAddress : address;
    port = port == 0 ? Ports.free() : port;
    Feature lazy = capabilities.get(false).lazyPages();
    if (!lazy.available()) {
      throw new AgentException(FailureReason.CAPABILITY_MISSING,
          "post-copy needs CRIU lazy pages, which this node cannot do: " + lazy.reason());
    }
    if (port < 0 || port > 65535) {
      throw AgentException.invalid("page server port must be 1-65535, was " + port);
    }
    ContainerView before = RunningCheck.require(containers, id, "lazy-dump");
    Path images = ImageDir.prepare(runner, layout.images(id, LAZY_IMAGE));
    Path work = ImageDir.prepare(runner, layout.work(id, LAZY_IMAGE));
    ContainerRecord record = before.record().withImage(LAZY_IMAGE, ctx.migrationId());
    ContainerStore.write(images.resolve(ContainerRecord.FILE_IN_IMAGES), record.with(Lifecycle.RUNNING));
    CheckpointOptions options = CheckpointOptions.dump(images, work).withTcpEstablished(tcpEstablished)
        .closingConnections(closeConnections);

    throttle.lift(id); // post-copy after a pre-copy that did not converge: the target gets its own CPU limit
    containers.networking().holdNewConnections(id, record.attachment());
    Instant frozenAt = clock.instant();
    long start = System.nanoTime();
    RunningProcess dump = crun.startCheckpoint(id, options,
        CriuConfig.lazyDump(address, port).forDump(options.tcpEstablished(), options.closeConnections())
            .writeTo(work.resolve("criu-lazy-dump.conf")), PAGE_SERVER_LIFETIME);
    if (!awaitPageServer(dump, port)) {
      Optional<dev.ferry.process.ProcessResult> ended = dump.await(Duration.ZERO);
      dump.close();
      containers.networking().admitNewConnections(id, record.attachment()); // CRIU let go: the source serves on
      throw crun.checkpointFailure(id, options, ended.orElseGet(dump::stop));
    }
    pageServers.register(id.value(), dump);
    containers.save(record.with(Lifecycle.CHECKPOINTED));
    containers.networking().silence(id, record.attachment()); // the target announces the address once it runs there
    FreezeClocks.Frozen frozen = FreezeClocks.record(images, work, before, frozenAt);
    DumpResult result = new DumpResult(id.value(), LAZY_IMAGE, 0, ImageDir.bytes(images), ImageDir.pages(images),
        Duration.ofNanos(System.nanoTime() - start), frozen.at(), frozen.clocks(), ContainerView.Status.CHECKPOINTED);
    return new Started(result, address, port);
  }

  private boolean awaitPageServer(RunningProcess dump, int port) {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (System.nanoTime() < deadline && dump.isAlive()) {
      if (Ports.isListening(port)) {
        return true;
      }
      Ports.awaitListening(port, Duration.ofMillis(100));
    }
    return false;
  }
}
