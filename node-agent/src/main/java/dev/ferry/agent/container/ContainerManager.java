package dev.ferry.agent.container;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.network.Networking;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.agent.runtime.CrunState;
import dev.ferry.agent.runtime.OciConfig;
import dev.ferry.agent.runtime.StaleCgroups;
import dev.ferry.agent.runtime.TimeOffsets;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Containers of this node: created from a rootfs or a bundle, started and stopped with crun,
 * remembered on disk. The agent's records and crun's state are joined on every read, so an
 * agent that restarts finds its containers as they are: it neither kills nor forgets them.
 */
public final class ContainerManager {
  private static final Duration STOP_POLL = Duration.ofMillis(50);

  private final NodeLayout layout;
  private final ContainerStore store;
  private final CrunCommands crun;
  private final OciConfig oci;
  private final ProcInspector proc;
  private final ProcessRunner runner;
  private final InstantSource clock;
  private final Networking networking;

  public ContainerManager(NodeLayout layout, ContainerStore store, CrunCommands crun, OciConfig oci,
      ProcInspector proc, ProcessRunner runner, InstantSource clock, Networking networking) {
    this.networking = networking;
    this.layout = layout;
    this.store = store;
    this.crun = crun;
    this.oci = oci;
    this.proc = proc;
    this.runner = runner;
    this.clock = clock;
  }

  public ContainerView create(CreateRequest req) {
    ContainerId id = req.id();
    if (store.find(id).isPresent() || Files.exists(layout.containerDir(id))) {
      throw new AgentException(FailureReason.CONTAINER_EXISTS, "container '" + id + "' already exists on this node");
    }
    BundleSource source = req.bundle() != null
        ? BundleSource.fromBundle(SourcePaths.directory("bundle path", req.bundle(), layout.stateDir()))
        : new BundleSource(SourcePaths.directory("rootfs path", req.rootfs(), layout.stateDir()), List.of(), Map.of(), "/");
    List<String> args = req.args().isEmpty() ? source.args() : req.args();
    if (args.isEmpty()) {
      throw AgentException.invalid("container '" + id + "' needs a command: give args, or a bundle whose config has process.args");
    }
    Map<String, String> env = req.env().isEmpty() ? source.env() : req.env();
    String cwd = req.workingDir() == null || req.workingDir().isBlank() ? source.workingDir() : req.workingDir();
    TimeOffsets o = req.timeOffsets();
    ContainerRecord record = new ContainerRecord(id.value(), args, env, cwd, req.memoryLimitBytes(), req.cpuMillicores(),
        o.monotonic().toNanos(), o.boottime().toNanos(), req.labels(), clock.millis(), Lifecycle.CREATED, null, null, null, 0);
    ContainerRecord networked = record.withAttachment(networking.allocate(id));
    try {
      copyRootfs(source.rootfs(), layout.rootfs(id));
      networking.attach(id, networked.attachment(), true);
      writeConfig(networked);
      store.save(networked);
      networking.announce(id, networked.attachment());
    } catch (RuntimeException e) {
      removeDir(layout.containerDir(id));
      networking.detach(id);
      networking.release(id, networked.attachment());
      throw e;
    }
    return req.start() ? start(id) : inspect(id);
  }

  /** Writes this node's OCI config for a record: used at create, and on a migration target before restore. */
  public void writeConfig(ContainerRecord record) {
    ContainerId id = record.containerId();
    try {
      Files.createDirectories(layout.bundle(id));
      Path netns = networking.namespacePath(id, record.attachment());
      Files.writeString(layout.bundle(id).resolve("config.json"), oci.render(record.spec(layout.rootfs(id), netns)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bundle of " + id, e);
    }
  }

  public ContainerView start(ContainerId id) {
    ContainerRecord record = require(id);
    Optional<CrunState> state = crun.state(id);
    if (state.isPresent() && (state.get().running() || state.get().paused())) {
      return inspect(id);
    }
    state.ifPresent(s -> crun.delete(id, true));
    clearStaleCgroups(id);
    crun.run(id, layout.bundle(id), layout.crunLog(id));
    store.save(record.with(Lifecycle.RUNNING));
    return inspect(id);
  }

  /** SIGTERM, up to {@code grace} for the container to exit, then SIGKILL; the bundle stays. */
  public ContainerView stop(ContainerId id, Duration grace) {
    ContainerRecord record = require(id);
    Optional<CrunState> state = crun.state(id);
    if (state.isPresent() && (state.get().running() || state.get().paused())) {
      if (state.get().paused()) {
        crun.resume(id);
      }
      crun.kill(id, "TERM");
      long deadline = System.nanoTime() + grace.toNanos();
      while (System.nanoTime() < deadline && crun.state(id).map(CrunState::running).orElse(false)) {
        sleep(STOP_POLL);
      }
      crun.kill(id, "KILL");
    }
    crun.delete(id, true);
    store.save(record.with(Lifecycle.STOPPED));
    return inspect(id);
  }

  public void delete(ContainerId id, boolean force) {
    require(id);
    Optional<CrunState> state = crun.state(id);
    if (state.isPresent() && (state.get().running() || state.get().paused())) {
      if (!force) {
        throw new AgentException(FailureReason.WRONG_STATE,
            "container '" + id + "' is " + state.get().status() + "; stop it first, or delete with force");
      }
      crun.kill(id, "KILL");
    }
    crun.delete(id, true);
    clearStaleCgroups(id);
    networking.detach(id);
    removeDir(layout.containerDir(id));
  }

  /** Deletes the container for good (not a migration's cleanup): its address is withdrawn and goes back to the pool. */
  public void remove(ContainerId id, boolean force) {
    ContainerRecord record = require(id);
    boolean answering = record.lifecycle() != Lifecycle.CHECKPOINTED; // a dump already withdrew it
    if (answering) {
      networking.silence(id, record.attachment());
    }
    delete(id, force);
    networking.release(id, record.attachment());
  }

  public Networking networking() {
    return networking;
  }

  public List<ContainerView> list() {
    Map<String, CrunState> states = crun.list().stream().collect(Collectors.toMap(CrunState::id, Function.identity(), (a, b) -> a));
    List<ContainerView> views = new ArrayList<>();
    for (ContainerRecord r : store.all()) {
      views.add(view(r, Optional.ofNullable(states.get(r.id()))));
    }
    return views;
  }

  public ContainerView inspect(ContainerId id) {
    return view(require(id), crun.state(id));
  }

  public ContainerRecord require(ContainerId id) {
    return store.find(id).orElseThrow(() -> AgentException.notFound(id.value()));
  }

  public Optional<ContainerRecord> find(ContainerId id) {
    return store.find(id);
  }

  public void save(ContainerRecord record) {
    store.save(record);
  }

  private ContainerView view(ContainerRecord r, Optional<CrunState> state) {
    ContainerView.Status status = state.map(s -> switch (s.status()) {
          case "running" -> ContainerView.Status.RUNNING;
          case "paused" -> ContainerView.Status.PAUSED;
          case "created" -> ContainerView.Status.CREATED;
          case "stopped" -> ContainerView.Status.STOPPED;
          default -> ContainerView.Status.UNKNOWN;
        })
        .orElseGet(() -> switch (r.lifecycle()) {
          case CREATED -> ContainerView.Status.CREATED;
          case CHECKPOINTED -> ContainerView.Status.CHECKPOINTED;
          case RUNNING, STOPPED -> ContainerView.Status.STOPPED;
        });
    int pid = state.filter(s -> s.running() || s.paused()).map(CrunState::pid).orElse(0);
    TimeOffsets offsets = pid > 0 ? proc.offsets(pid).orElse(r.timeOffsets()) : r.timeOffsets();
    long rss = pid > 0 ? proc.rssBytes(r.id(), pid) : 0;
    return new ContainerView(r, status, pid, rss, offsets, proc.clocks(offsets), layout.bundle(r.containerId()));
  }

  private void copyRootfs(Path from, Path to) {
    try {
      Files.createDirectories(to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // cp -a keeps owners, modes, links and device nodes; reflinks make it cheap where the filesystem can.
    runner.runChecked(ProcessSpec.of("cp", "-a", "--reflink=auto", from + "/.", to.toString()).withTimeout(Duration.ofMinutes(30)));
  }

  /**
   * Keeps CRIU's logs of a failed migration (the work directories) under
   * {@code STATE/failed-migrations/MIGRATION/} before the container's files are removed.
   */
  public void keepLogs(ContainerId id, String migrationId) {
    Path work = layout.containerDir(id).resolve("work");
    if (Files.isDirectory(work)) {
      Path kept = layout.stateDir().resolve("failed-migrations").resolve(migrationId);
      runner.run(ProcessSpec.of("mkdir", "-p", kept.toString()));
      runner.run(ProcessSpec.of("cp", "-a", work + "/.", kept.toString()));
    }
  }

  /** Clears empty cgroups a crash or a failed restore left at this container's path (see {@link StaleCgroups}). */
  public void clearStaleCgroups(ContainerId id) {
    new StaleCgroups(runner).clear(oci.cgroupPath(id));
  }

  /** Removes a container directory that has no record (a migration's partial files). */
  public void removeOrphanDir(ContainerId id) {
    if (store.find(id).isEmpty()) {
      removeDir(layout.containerDir(id));
    }
  }

  /** On a migration's target, once the final root filesystem is complete: its first pass is no longer needed. */
  public void removeRootfsFirstPass(ContainerId id) {
    removeDir(layout.rootfsFirstPass(id));
  }

  void removeDir(Path dir) {
    if (Files.exists(dir)) {
      runner.runChecked(ProcessSpec.of("rm", "-rf", "--one-file-system", dir.toString()));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
