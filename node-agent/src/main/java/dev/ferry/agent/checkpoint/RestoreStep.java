package dev.ferry.agent.checkpoint;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerRecord;
import dev.ferry.agent.container.ContainerStore;
import dev.ferry.agent.container.Lifecycle;
import dev.ferry.agent.criu.CriuCommands;
import dev.ferry.agent.criu.CriuLog;
import dev.ferry.agent.criu.CriuConfig;
import dev.ferry.agent.clock.ClockJumps;
import dev.ferry.agent.clock.ClockPolicyRestore;
import dev.ferry.timesync.ClockPolicy;
import dev.ferry.agent.runtime.CheckpointOptions;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.process.RunningProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * Restores a container from an image directory into this node's bundle: writes this node's
 * OCI config from the record shipped in the images, then {@code crun restore}. For post-copy it
 * first starts CRIU's lazy-pages daemon, which pulls memory from the source's page server as
 * the restored process touches it. The container's clocks follow the migration's clock policy
 * ({@link ClockPolicyRestore}); a rollback on the source uses {@link ClockPolicy#SUSPEND}.
 */
public final class RestoreStep {
  /** Where the source's page server is, for a lazy restore. */
  public record PageSource(String address, int port) {}

  private final NodeLayout layout;
  private final ContainerManager containers;
  private final CrunCommands crun;
  private final CriuCommands criu;
  private final PageServers pageServers;
  private final InstantSource clock;
  private final ClockPolicyRestore clocks;

  public RestoreStep(NodeLayout layout, ContainerManager containers, CrunCommands crun, CriuCommands criu,
      PageServers pageServers, InstantSource clock, ClockPolicyRestore clocks) {
    this.layout = layout;
    this.containers = containers;
    this.crun = crun;
    this.criu = criu;
    this.pageServers = pageServers;
    this.clock = clock;
    this.clocks = clocks;
  }

  /**
   * @param policy   what the container's clocks do across the blackout
   * @param frozenAt the source's freeze on this node's realtime clock; null: as the dump recorded it
   */
  public RestoreResult restore(MigrationContext ctx, ContainerId id, String imageId, boolean tcpEstablished, PageSource lazyFrom,
      ClockPolicy policy, Instant frozenAt) {
    Path images = layout.images(id, imageId);
    if (!ImageDir.isComplete(images)) {
      throw new AgentException(FailureReason.WRONG_STATE, "images '" + imageId + "' of container '" + id
          + "' are missing or incomplete on this node (no inventory.img/pstree.img): transfer them first");
    }
    Path shipped = images.resolve(ContainerRecord.FILE_IN_IMAGES);
    if (!Files.exists(shipped)) {
      throw new AgentException(FailureReason.WRONG_STATE, "images '" + imageId + "' carry no " + ContainerRecord.FILE_IN_IMAGES);
    }
    if (!Files.isDirectory(layout.rootfs(id))) {
      throw new AgentException(FailureReason.WRONG_STATE, "root filesystem of container '" + id + "' is not on this node yet");
    }
    containers.removeRootfsFirstPass(id); // the final tree is complete: what it was built from can go
    ContainerRecord record = ContainerStore.read(shipped).withImage(imageId, ctx.migrationId()).with(Lifecycle.CHECKPOINTED);
    // Same address and MAC as on the source, silent until the container runs here.
    containers.networking().attach(id, record.attachment(), true);
    containers.writeConfig(record);
    containers.save(record);
    return crunRestore(id, record, images, layout.work(id, imageId), tcpEstablished, lazyFrom, policy, frozenAt);
  }

  /** Restores from images already on this node, with the config already in place (a rollback on the source). */
  RestoreResult restoreInPlace(ContainerId id, String imageId, PageSource lazyFrom) {
    ContainerRecord record = containers.require(id);
    // --tcp-established is harmless without connections, and needed to bring back the ones the dump carried.
    return crunRestore(id, record, layout.images(id, imageId), layout.work(id, imageId), true, lazyFrom, ClockPolicy.SUSPEND, null);
  }

  private RestoreResult crunRestore(ContainerId id, ContainerRecord record, Path images, Path work, boolean tcp, PageSource lazyFrom,
      ClockPolicy policy, Instant frozenAt) {
    // A dump that closed the connections needs a restore that says so; otherwise carry whatever was dumped.
    boolean closed = Files.exists(images.resolve(CheckpointOptions.CONNECTIONS_CLOSED));
    CriuConfig config = closed ? CriuConfig.NONE.withTcpClose() : CriuConfig.NONE;
    tcp = tcp && !closed;
    if (lazyFrom != null) {
      startLazyPagesDaemon(id, images, work, lazyFrom);
      config = config.withLazyPages();
    }
    crun.state(id).ifPresent(stale -> crun.delete(id, true));
    containers.clearStaleCgroups(id);
    try (ClockPolicyRestore.Session session = clocks.prepare(policy, images, work, ImageDir.bytes(images), frozenAt)) {
      Map<String, String> env = session.config(config).writeTo(work.resolve("criu-restore.conf"));
      var r = crun.restore(id, layout.bundle(id), images, work, tcp, layout.crunLog(id), env);
      var resumedAt = clock.instant();
      containers.networking().announce(id, record.attachment());
      containers.save(record.with(Lifecycle.RUNNING));
      var view = containers.inspect(id);
      ClockJumps jumps = session.finish(view.pid() > 0 ? java.util.Optional.of(view.offsets()) : java.util.Optional.empty());
      return new RestoreResult(view, r.duration(), resumedAt, jumps);
    }
  }

  private void startLazyPagesDaemon(ContainerId id, Path images, Path work, PageSource from) {
    try {
      Files.deleteIfExists(work.resolve("lazy-pages.socket"));
      Files.createDirectories(work);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    RunningProcess daemon = criu.startLazyPagesDaemon(images, work, from.address(), from.port());
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!Files.exists(work.resolve("lazy-pages.socket"))) {
      if (!daemon.isAlive() || System.nanoTime() > deadline) {
        daemon.close();
        CriuLog log = CriuLog.read(work.resolve("lazy-pages.log"));
        throw new AgentException(FailureReason.CRIU_RESTORE_FAILED, "CRIU lazy-pages daemon for container '" + id
            + "' did not start: " + log.firstError().orElse("no socket after 15 s"), log.tail(), null);
      }
      Thread.onSpinWait();
    }
    pageServers.register(id.value() + "/lazy-pages", daemon);
  }
}
