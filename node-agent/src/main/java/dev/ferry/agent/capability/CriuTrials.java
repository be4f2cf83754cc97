package dev.ferry.agent.capability;

import dev.ferry.agent.criu.CriuCommands;
import dev.ferry.agent.criu.CriuLog;
import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Proves capabilities instead of guessing them: each trial checkpoints a throwaway process
 * ({@code setsid sleep}) the way a migration would, and reports what CRIU said when it failed.
 */
public final class CriuTrials {
  private static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(30);

  private final ProcessRunner runner;
  private final CriuCommands criu;
  private final Path scratch;
  private final TrialMemo memo;

  public CriuTrials(ProcessRunner runner, CriuCommands criu, Path scratch) {
    this(runner, criu, scratch, TrialMemo.machineWide());
  }

  public CriuTrials(ProcessRunner runner, CriuCommands criu, Path scratch, TrialMemo memo) {
    this.runner = runner;
    this.criu = criu;
    this.scratch = scratch;
    this.memo = memo;
  }

  /** Dump a process and restore it. */
  public Feature checkpointRestore() {
    return TrialLock.around(() -> memo.remember("checkpoint-restore", criu.version(), this::checkpointRestoreAlone));
  }

  private Feature checkpointRestoreAlone() {
    Path dir = freshDir("dump");
    try (RunningProcess victim = startVictim()) {
      ProcessResult dump = criu.dump(victimPid(victim), dir, dir);
      if (!dump.succeeded()) {
        return Feature.no("criu dump failed: " + cause(dir.resolve("dump.log"), dump));
      }
      ProcessResult restore = criu.restoreDetached(dir, dir, "--pidfile", dir.resolve("restored.pid").toString());
      if (!restore.succeeded()) {
        return Feature.no("criu restore failed: " + cause(dir.resolve("restore.log"), restore));
      }
      killRestored(dir);
      return Feature.yes("dump and restore of a trial process succeeded");
    }
  }

  /** Pre-dump needs the kernel to track dirty pages (soft-dirty). */
  public Feature preDump() {
    return TrialLock.around(() -> memo.remember("pre-dump", criu.version(), this::preDumpAlone));
  }

  private Feature preDumpAlone() {
    Path dir = freshDir("predump");
    try (RunningProcess victim = startVictim()) {
      ProcessResult r = criu.preDump(victimPid(victim), dir, dir);
      if (r.succeeded()) {
        return Feature.yes("pre-dump of a trial process succeeded");
      }
      String cause = cause(dir.resolve("pre-dump.log"), r);
      boolean noSoftDirty = criu.checkFeature("mem_dirty_track").exitCode() != 0;
      return Feature.no((noSoftDirty ? "this kernel has no soft-dirty page tracking (CONFIG_MEM_SOFT_DIRTY), "
          + "so CRIU cannot pre-dump; " : "") + "criu pre-dump failed: " + cause);
    }
  }

  /** Post-copy: a lazy dump serving pages, a lazy-pages daemon pulling them, a lazy restore. */
  public Feature lazyPages() {
    return TrialLock.around(() -> memo.remember("lazy-pages", criu.version(), this::lazyPagesAlone));
  }

  private Feature lazyPagesAlone() {
    ProcessResult uffd = criu.checkFeature("uffd-noncoop");
    if (!uffd.succeeded()) {
      return Feature.no("the kernel lacks non-cooperative userfaultfd: " + uffd.stderrTail(2).strip());
    }
    Path dump = freshDir("lazy-src");
    Path restore = freshDir("lazy-dst");
    int port = Ports.free();
    try (RunningProcess victim = startVictim();
         RunningProcess pageServer = criu.startLazyDump(victimPid(victim), dump, dump, "127.0.0.1", port)) {
      if (!Ports.awaitListening(port, Duration.ofSeconds(15))) {
        return Feature.no("lazy dump never opened its page server: " + cause(dump.resolve("dump.log"), pageServer.stop()));
      }
      copyImages(dump, restore);
      try (RunningProcess daemon = criu.startLazyPagesDaemon(restore, restore, "127.0.0.1", port)) {
        if (!awaitFile(restore.resolve("lazy-pages.socket"), Duration.ofSeconds(10))) {
          return Feature.no("lazy-pages daemon did not start: " + CriuLog.read(restore.resolve("lazy-pages.log")).firstError().orElse("no socket"));
        }
        ProcessResult r = criu.restoreDetached(restore, restore, "--lazy-pages", "--pidfile", restore.resolve("restored.pid").toString());
        if (!r.succeeded()) {
          return Feature.no("lazy restore failed: " + cause(restore.resolve("restore.log"), r));
        }
        Optional<ProcessResult> served = pageServer.await(TRIAL_TIMEOUT);
        killRestored(restore);
        if (served.isEmpty() || !served.get().succeeded()) {
          String why = CriuLog.read(dump.resolve("dump.log")).firstError().orElse("page server did not finish");
          return Feature.no("lazy page transfer failed: " + why
              + (why.contains("splice") ? " (raise fs.pipe-max-size to 64 MiB: root here lacks CAP_SYS_RESOURCE)" : ""));
        }
        return Feature.yes("lazy dump, lazy-pages daemon and lazy restore of a trial process succeeded");
      }
    }
  }

  /**
   * The throwaway process: in a pid namespace of its own (as a container's init is), so it can
   * be restored while a lazy dump still holds the original; in a session of its own, so CRIU
   * needs no --shell-job; output to /dev/null, not a pipe to us. Not to a file either: unshare
   * shares it and may write to it once the dump killed its child ("sigprocmask unblock failed"),
   * and CRIU then refuses to restore a file whose size changed since the dump.
   */
  private RunningProcess startVictim() {
    return runner.start(ProcessSpec.of("unshare", "--pid", "--fork", "setsid", "sleep", "600")
        .withStdoutFile(Path.of("/dev/null")).withTimeout(Duration.ofMinutes(15)));
  }

  /** The sleep inside the namespace: the child of the unshare process we started. */
  private static long victimPid(RunningProcess unshare) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      var child = ProcessHandle.of(unshare.pid()).flatMap(p -> p.children().findFirst());
      if (child.isPresent() && child.get().info().command().map(c -> c.endsWith("sleep")).orElse(false)) {
        return child.get().pid();
      }
      Ports.pause();
    }
    throw new IllegalStateException("trial process did not start in its pid namespace");
  }

  private static void killRestored(Path dir) {
    HostFacts.read(dir.resolve("restored.pid")).map(String::strip).filter(s -> !s.isEmpty())
        .ifPresent(pid -> kill(Long.parseLong(pid)));
  }

  private static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  private static String cause(Path log, ProcessResult r) {
    return CriuLog.read(log).firstError().orElseGet(() -> r.stderrTail(3).strip());
  }

  private Path freshDir(String name) {
    try {
      Path dir = scratch.resolve(name);
      if (Files.exists(dir)) {
        runner.runChecked(ProcessSpec.of("rm", "-rf", dir.toString()));
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void copyImages(Path from, Path to) {
    runner.runChecked(ProcessSpec.of("sh", "-c", "cp -a \"$0\"/*.img \"$1\"/", from.toString(), to.toString()));
  }

  private static boolean awaitFile(Path file, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        return true;
      }
      Ports.pause();
    }
    return false;
  }
}
