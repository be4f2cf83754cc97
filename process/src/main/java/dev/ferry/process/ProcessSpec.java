package dev.ferry.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One external command: what to run, where, and how long it may take.
 *
 * @param argv        program and arguments; never passed through a shell
 * @param env         variables added to the agent's environment
 * @param workingDir  directory to run in, or null for the agent's own
 * @param timeout     after this the process gets SIGTERM
 * @param gracePeriod after SIGTERM, this long before SIGKILL
 * @param stdoutFile  where stdout goes instead of being captured (null: captured), for
 *                    processes that outlive the call (crun run -d hands its stdio to the container)
 */
public record ProcessSpec(
    List<String> argv,
    Map<String, String> env,
    Path workingDir,
    Duration timeout,
    Duration gracePeriod,
    Path stdoutFile) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

  public ProcessSpec {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    env = Map.copyOf(env);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  public static ProcessSpec of(String... argv) {
    return new ProcessSpec(List.of(argv), Map.of(), null, DEFAULT_TIMEOUT, DEFAULT_GRACE, null);
  }

  public static ProcessSpec of(List<String> argv) {
    return new ProcessSpec(argv, Map.of(), null, DEFAULT_TIMEOUT, DEFAULT_GRACE, null);
  }

  public ProcessSpec withTimeout(Duration newTimeout) {
    return new ProcessSpec(argv, env, workingDir, newTimeout, gracePeriod, stdoutFile);
  }

  public ProcessSpec withWorkingDir(Path dir) {
    return new ProcessSpec(argv, env, dir, timeout, gracePeriod, stdoutFile);
  }

  public ProcessSpec withEnv(Map<String, String> vars) {
    return new ProcessSpec(argv, vars, workingDir, timeout, gracePeriod, stdoutFile);
  }

  public ProcessSpec withStdoutFile(Path file) {
    return new ProcessSpec(argv, env, workingDir, timeout, gracePeriod, file);
  }

  /** The command line as a person would type it, for messages and logs. */
  public String commandLine() {
    return String.join(" ", argv);
  }
}
