package dev.ferry.agent.criu;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * CRIU command lines for what crun does not cover: version and feature checks, CPU
 * compatibility, the capability trials, and the lazy-pages daemon of a post-copy restore.
 */
public final class CriuCommands {
  private final ProcessRunner runner;
  private final Duration timeout;

  public CriuCommands(ProcessRunner runner, Duration timeout) {
    this.runner = runner;
    this.timeout = timeout;
  }

  public String version() {
    return runner.runChecked(spec("--version")).stdout().lines()
        .filter(l -> l.startsWith("Version:")).findFirst().orElse("unknown").replace("Version:", "").strip();
  }

  /** {@code criu check --feature NAME}: the kernel and CRIU agree on the feature. */
  public ProcessResult checkFeature(String feature) {
    return runner.run(spec("check", "--feature", feature));
  }

  /** Writes this host's CPU description (cpuinfo.img) into {@code dir}. */
  public ProcessResult cpuinfoDump(Path dir) {
    return runner.run(spec("cpuinfo", "dump", "-D", dir.toString()));
  }

  /** Checks a peer's cpuinfo.img in {@code dir} against this host's CPU. */
  public ProcessResult cpuinfoCheck(Path dir) {
    return runner.run(spec("cpuinfo", "check", "-D", dir.toString(), "--cpu-cap=cpu"));
  }

  public ProcessResult dump(long pid, Path images, Path work, String... extra) {
    List<String> argv = new ArrayList<>(List.of("dump", "-t", Long.toString(pid), "-D", images.toString(),
        "-W", work.toString(), "-o", "dump.log", "-v4"));
    argv.addAll(List.of(extra));
    return runner.run(spec(argv));
  }

  public ProcessResult preDump(long pid, Path images, Path work) {
    return runner.run(spec(List.of("pre-dump", "-t", Long.toString(pid), "-D", images.toString(),
        "-W", work.toString(), "-o", "pre-dump.log", "-v4")));
  }

  public ProcessResult restoreDetached(Path images, Path work, String... extra) {
    List<String> argv = new ArrayList<>(List.of("restore", "-d", "-D", images.toString(),
        "-W", work.toString(), "-o", "restore.log", "-v4"));
    argv.addAll(List.of(extra));
    return runner.run(spec(argv));
  }

  /** Starts a dump that keeps serving memory from a page server until the restore side took it all. */
  public RunningProcess startLazyDump(long pid, Path images, Path work, String address, int port) {
    return runner.start(spec(List.of("dump", "-t", Long.toString(pid), "-D", images.toString(), "-W", work.toString(),
        "-o", "dump.log", "-v4", "--lazy-pages", "--address", address, "--port", Integer.toString(port))));
  }

  /**
   * Starts the lazy-pages daemon of a post-copy restore: it takes page faults of the restored
   * process (userfaultfd) and pulls the pages from the source's page server.
   */
  public RunningProcess startLazyPagesDaemon(Path images, Path work, String pageServerAddress, int pageServerPort) {
    return runner.start(spec(List.of("lazy-pages", "--page-server", "--address", pageServerAddress,
        "--port", Integer.toString(pageServerPort), "-D", images.toString(), "-W", work.toString(),
        "-o", "lazy-pages.log", "-v4")).withTimeout(Duration.ofHours(24)));
  }

  private ProcessSpec spec(String... args) {
    return spec(List.of(args));
  }

  private ProcessSpec spec(List<String> args) {
    List<String> argv = new ArrayList<>(List.of("criu"));
    argv.addAll(args);
    return ProcessSpec.of(argv).withTimeout(timeout);
  }
}
