package dev.ferry.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.criu.CriuLog;
import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds crun command lines, runs them through the {@link ProcessRunner} and parses what crun
 * prints. Every call names this agent's own crun state root, so several agents can share one
 * machine without seeing each other's containers.
 */
public final class CrunCommands {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProcessRunner runner;
  private final Path stateRoot;
  private final Duration timeout;

  public CrunCommands(ProcessRunner runner, Path stateRoot, Duration timeout) {
    this.runner = runner;
    this.stateRoot = stateRoot;
    this.timeout = timeout;
  }

  public String version() {
    String out = runner.runChecked(spec(List.of("--version"))).stdout();
    return out.lines().findFirst().orElse("").replace("crun version ", "").strip();
  }

  /** Creates and starts a container from its bundle; crun's own output goes to {@code logFile}. */
  public void run(ContainerId id, Path bundle, Path logFile) {
    ProcessResult r = runner.run(spec(List.of("run", "--detach", "--bundle", bundle.toString(), id.value()))
        .withStdoutFile(logFile));
    if (!r.succeeded()) {
      throw runtimeFailure("start", id, r);
    }
  }

  public Optional<CrunState> state(ContainerId id) {
    ProcessResult r = runner.run(spec(List.of("state", id.value())));
    if (!r.succeeded()) {
      if (r.stderr().contains("does not exist") || r.stderr().contains("No such file")) {
        return Optional.empty();
      }
      throw runtimeFailure("read the state of", id, r);
    }
    return Optional.of(parseState(r.stdout()));
  }

  public List<CrunState> list() {
    ProcessResult r = runner.runChecked(spec(List.of("list", "--format", "json")));
    List<CrunState> states = new ArrayList<>();
    try {
      JsonNode array = JSON.readTree(r.stdout().isBlank() ? "[]" : r.stdout());
      for (JsonNode n : array) {
        states.add(toState(n));
      }
    } catch (IOException e) {
      throw new AgentException(FailureReason.CONTAINER_RUNTIME_FAILED, "crun list printed something that is not JSON: " + e.getMessage());
    }
    return states;
  }

  public void kill(ContainerId id, String signal) {
    ProcessResult r = runner.run(spec(List.of("kill", id.value(), signal)));
    if (!r.succeeded() && !r.stderr().contains("not running")) {
      throw runtimeFailure("signal", id, r);
    }
  }

  public void delete(ContainerId id, boolean force) {
    List<String> argv = new ArrayList<>(List.of("delete"));
    if (force) {
      argv.add("--force");
    }
    argv.add(id.value());
    ProcessResult r = runner.run(spec(argv));
    if (!r.succeeded() && !r.stderr().contains("does not exist")) {
      throw runtimeFailure("delete", id, r);
    }
  }

  public void pause(ContainerId id) {
    ProcessResult r = runner.run(spec(List.of("pause", id.value())));
    if (!r.succeeded()) {
      throw runtimeFailure("pause", id, r);
    }
  }

  public void resume(ContainerId id) {
    ProcessResult r = runner.run(spec(List.of("resume", id.value())));
    if (!r.succeeded()) {
      throw runtimeFailure("resume", id, r);
    }
  }

  /** Sets the container's CPU bandwidth in its cgroup; {@code quotaMicros} -1 is unlimited. */
  public void updateCpu(ContainerId id, long quotaMicros, long periodMicros) {
    ProcessResult r = runner.run(spec(List.of("update", "--cpu-period=" + periodMicros, "--cpu-quota=" + quotaMicros,
        id.value())));
    if (!r.succeeded()) {
      throw runtimeFailure("update", id, r);
    }
  }

  /** The restore of these images must close connections too (CRIU refuses otherwise): the images say so. */
  private static void markClosedConnections(CheckpointOptions o) {
    if (o.closeConnections()) {
      try {
        java.nio.file.Files.writeString(o.imageDir().resolve(CheckpointOptions.CONNECTIONS_CLOSED), "tcp-close\n");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** Runs {@code crun checkpoint}; a failure carries CRIU's log from the work directory. */
  public ProcessResult checkpoint(ContainerId id, CheckpointOptions o) {
    Map<String, String> env = o.preDump() ? Map.of() : dev.ferry.agent.criu.CriuConfig.NONE
        .forDump(o.tcpEstablished(), o.closeConnections()).writeTo(o.workDir().resolve("criu-dump.conf"));
    markClosedConnections(o);
    ProcessResult r = runner.run(spec(checkpointArgs(id, o)).withEnv(env));
    if (!r.succeeded()) {
      throw checkpointFailure(id, o, r);
    }
    return r;
  }

  /**
   * Starts {@code crun checkpoint} with extra environment and returns at once: a lazy dump keeps
   * running as CRIU's page server until the target pulled every page.
   */
  public RunningProcess startCheckpoint(ContainerId id, CheckpointOptions o, Map<String, String> env, Duration maxLifetime) {
    markClosedConnections(o);
    return runner.start(spec(checkpointArgs(id, o)).withEnv(env).withTimeout(maxLifetime));
  }

  /** The error a failed checkpoint becomes, with CRIU's own words from its log. */
  public AgentException checkpointFailure(ContainerId id, CheckpointOptions o, ProcessResult r) {
    FailureReason reason = o.preDump() ? FailureReason.CRIU_PREDUMP_FAILED : FailureReason.CRIU_DUMP_FAILED;
    return criuFailure(reason, o.preDump() ? "pre-dump" : "dump", id, r,
        o.workDir().resolve(o.preDump() ? "pre-dump.log" : "dump.log"));
  }

  private static List<String> checkpointArgs(ContainerId id, CheckpointOptions o) {
    List<String> argv = new ArrayList<>(List.of("checkpoint",
        "--image-path", o.imageDir().toString(), "--work-path", o.workDir().toString()));
    if (o.preDump()) {
      argv.add("--pre-dump");
    } else if (o.leaveRunning()) {
      argv.add("--leave-running");
    }
    if (o.parentDir() != null) {
      argv.add("--parent-path=" + o.parentDir());
    }
    if (o.tcpEstablished()) {
      argv.add("--tcp-established");
    }
    argv.add(id.value());
    return argv;
  }

  /** Runs {@code crun restore --detach}; a failure carries CRIU's restore log. */
  public ProcessResult restore(ContainerId id, Path bundle, Path imageDir, Path workDir, boolean tcpEstablished, Path logFile) {
    return restore(id, bundle, imageDir, workDir, tcpEstablished, logFile, Map.of());
  }

  /** Restore with extra environment (a CRIU configuration file for a lazy restore). */
  public ProcessResult restore(ContainerId id, Path bundle, Path imageDir, Path workDir, boolean tcpEstablished,
      Path logFile, Map<String, String> env) {
    List<String> argv = new ArrayList<>(List.of("restore", "--detach", "--bundle", bundle.toString(),
        "--image-path", imageDir.toString(), "--work-path", workDir.toString()));
    if (tcpEstablished) {
      argv.add("--tcp-established");
    }
    argv.add(id.value());
    // The container is down until this returns, and CRIU's offsets must follow its read of the timens image at once:
    // with four CPU hogs on two cores a restore at nice 0 set them up to 11 ms late, and the boottime of a SUSPEND
    // restore fell that much short. At nice -20 (CFS weight ~87x a normal task, not real-time) 0.4-0.9 ms. The
    // restored tasks run at their own nice again: CRIU restores it from the images.
    ProcessResult r = runner.run(spec(List.of("nice", "-n", "-20"), argv).withStdoutFile(logFile).withEnv(env));
    if (!r.succeeded()) {
      throw criuFailure(FailureReason.CRIU_RESTORE_FAILED, "restore", id, r, workDir.resolve("restore.log"));
    }
    return r;
  }

  private ProcessSpec spec(List<String> args) {
    return spec(List.of(), args);
  }

  /** crun with {@code args}, run through {@code wrapper} (e.g. nice). */
  private ProcessSpec spec(List<String> wrapper, List<String> args) {
    List<String> argv = new ArrayList<>(wrapper);
    argv.addAll(List.of("crun", "--root", stateRoot.toString()));
    argv.addAll(args);
    return ProcessSpec.of(argv).withTimeout(timeout);
  }

  static CrunState parseState(String json) {
    try {
      return toState(JSON.readTree(json));
    } catch (IOException e) {
      throw new AgentException(FailureReason.CONTAINER_RUNTIME_FAILED, "crun state printed something that is not JSON: " + e.getMessage());
    }
  }

  private static CrunState toState(JsonNode n) {
    String bundle = n.path("bundle").asText("");
    return new CrunState(n.path("id").asText(), n.path("status").asText(), n.path("pid").asInt(0),
        bundle.isEmpty() ? null : Path.of(bundle));
  }

  private static AgentException runtimeFailure(String action, ContainerId id, ProcessResult r) {
    String why = r.timedOut() ? "timed out after " + r.duration().toMillis() + " ms" : r.stderrTail(3).strip();
    if (why.isEmpty()) {
      why = r.stdout().strip();
    }
    return new AgentException(FailureReason.CONTAINER_RUNTIME_FAILED,
        "crun could not " + action + " container " + id + ": " + why);
  }

  /** stderr, or stdout where output went to one file (crun run/restore). */
  private static String outputTail(ProcessResult r, int lines) {
    String err = r.stderrTail(lines).strip();
    return err.isEmpty() ? dev.ferry.process.Tails.lastLines(r.stdout(), lines).strip() : err;
  }

  private static AgentException criuFailure(FailureReason reason, String step, ContainerId id, ProcessResult r, Path log) {
    CriuLog criuLog = CriuLog.read(log);
    String cause = criuLog.firstError().orElseGet(() -> r.timedOut() ? "timed out after " + r.duration().toMillis() + " ms"
        : outputTail(r, 3));
    return new AgentException(reason, "CRIU " + step + " of container " + id + " failed: " + cause,
        criuLog.isEmpty() ? outputTail(r, CriuLog.TAIL_LINES) : criuLog.tail(), null);
  }
}
