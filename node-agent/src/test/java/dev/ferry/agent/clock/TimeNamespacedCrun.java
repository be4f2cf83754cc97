package dev.ferry.agent.clock;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * How a target host with very different clocks looks to crun and CRIU: every {@code crun} call
 * (restore, and the CRIU it starts; state, whose check of the container's start time in
 * /proc/PID/stat depends on the reader's boottime) runs in a new time namespace whose
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME are shifted by days, through {@code unshare --time}. The
 * agent itself, and everything else, keeps the host's clocks.
 */
final class TimeNamespacedCrun implements ProcessRunner {
  private final ProcessRunner delegate;
  private final long monotonicSeconds;
  private final long boottimeSeconds;

  TimeNamespacedCrun(ProcessRunner delegate, long monotonicSeconds, long boottimeSeconds) {
    this.delegate = delegate;
    this.monotonicSeconds = monotonicSeconds;
    this.boottimeSeconds = boottimeSeconds;
  }

  /** {@code argv} run in such a namespace. */
  ProcessSpec shifted(ProcessSpec spec) {
    List<String> argv = new ArrayList<>(List.of("unshare", "--time", "--fork", "--monotonic", Long.toString(monotonicSeconds),
        "--boottime", Long.toString(boottimeSeconds), "--"));
    argv.addAll(spec.argv());
    return new ProcessSpec(argv, spec.env(), spec.workingDir(), spec.timeout(), spec.gracePeriod(), spec.stdoutFile());
  }

  /** crun, called directly or through {@code nice} (the agent restores at nice -20). */
  private ProcessSpec maybeShifted(ProcessSpec spec) {
    return spec.argv().stream().limit(4).anyMatch(a -> a.endsWith("crun")) ? shifted(spec) : spec;
  }

  @Override
  public ProcessResult run(ProcessSpec spec) {
    return delegate.run(maybeShifted(spec));
  }

  @Override
  public RunningProcess start(ProcessSpec spec) {
    return delegate.start(maybeShifted(spec));
  }
}
