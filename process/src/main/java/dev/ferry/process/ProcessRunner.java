package dev.ferry.process;

/**
 * Runs external commands. The one way Ferry spawns processes: implementations capture exit
 * code, output and duration, and enforce the spec's timeout (SIGTERM, then SIGKILL).
 */
public interface ProcessRunner {

  /** Runs to completion; a non-zero exit is returned, not thrown. */
  ProcessResult run(ProcessSpec spec);

  /** Runs to completion and throws {@link CommandFailedException} unless it succeeded. */
  default ProcessResult runChecked(ProcessSpec spec) {
    return run(spec).orThrow();
  }

  /** Starts a process that keeps running (a page server, a lazy-pages daemon). */
  RunningProcess start(ProcessSpec spec);
}
