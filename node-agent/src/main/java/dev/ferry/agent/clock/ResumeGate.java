package dev.ferry.agent.clock;

import dev.ferry.process.ProcessRunner;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongUnaryOperator;

/**
 * Holds a restore's tasks just before they resume. CRIU runs an action script (written into the
 * migration's work dir, named in the CRIU configuration) at every restore stage; at
 * {@code pre-resume} the script waits for one byte on a FIFO, which the agent writes at the
 * release instant. The script gives up after {@code maxHold} and lets the restore go on, so a gate
 * the agent never opens only costs time; it always exits 0, so the gate never fails a restore.
 */
final class ResumeGate implements AutoCloseable {
  static final String SCRIPT = "ferry-resume-gate.sh";
  static final String GATE = "ferry-resume-gate";
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

  /** Host CLOCK_MONOTONIC when the restore reached pre-resume and when the gate let it go. */
  record Passage(long reached, long released) {}

  private final Path script;
  private final Fifo fifo;
  private final CompletableFuture<Passage> passage = new CompletableFuture<>();
  private volatile boolean closed;

  private ResumeGate(Path script, Fifo fifo) {
    this.script = script;
    this.fifo = fifo;
  }

  /**
   * @param releaseAt given the instant the restore reached pre-resume, the instant to let it go
   *                  (host CLOCK_MONOTONIC); a failure lets it go at once
   */
  static ResumeGate open(ProcessRunner runner, Path work, Duration maxHold, HostClock host, LongUnaryOperator releaseAt)
      throws IOException {
    Files.createDirectories(work);
    Fifo fifo = Fifo.create(runner, work.resolve(GATE));
    Path script = work.resolve(SCRIPT);
    long seconds = Math.max(1, maxHold.toSeconds() + (maxHold.toNanosPart() > 0 ? 1 : 0));
    Files.writeString(script, """
        #!/bin/bash
        # Ferry: at pre-resume, wait for the agent's byte (the clock policy's hold), %d s at most.
        # bash's own read, on the FIFO opened read-write (an open that does not wait for the agent):
        # the release is one write and one exit, no child processes (timeout and cat) to end first.
        # CRIU runs it as `sh -c PATH` (the #! line decides); run as `sh PATH` it starts bash itself.
        [ -n "$BASH_VERSION" ] || exec /bin/bash "$0" "$@"
        [ "$CRTOOLS_SCRIPT_ACTION" = pre-resume ] || exit 0
        # From the release to the tasks running nothing may wait for a CPU, however busy the node: this
        # script and CRIU (its parent, or the parent of sh) run under SCHED_FIFO until CRIU exits.
        # The tasks keep their own policy: CRIU restored it before this stage.
        criu=$PPID; read -r comm < /proc/$criu/comm
        if [ "$comm" != criu ]; then stat=$(< /proc/$criu/stat); set -- ${stat##*) }; criu=$2; read -r comm < /proc/$criu/comm; fi
        [ "$comm" = criu ] && chrt -f -p 1 $$ 2>/dev/null && chrt -f -p 1 $criu 2>/dev/null
        read -r -n 1 -t %d _ <> '%s'
        exit 0
        """.formatted(seconds, seconds, fifo.path()));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    ResumeGate gate = new ResumeGate(script, fifo);
    Fifo.startWriter("resume-gate", () -> gate.keep(host, releaseAt, maxHold));
    return gate;
  }

  Path script() {
    return script;
  }

  private void keep(HostClock host, LongUnaryOperator releaseAt, Duration maxHold) {
    // Opening the write end blocks until the script opens the FIFO: the restore reached pre-resume.
    try (OutputStream out = new FileOutputStream(fifo.path().toFile()); RealtimePriority ignored = RealtimePriority.raise()) {
      long reached = host.monotonicNanos();
      if (closed) {
        throw new IOException("the restore ended without reaching pre-resume");
      }
      long release;
      try {
        release = Math.min(releaseAt.applyAsLong(reached), reached + maxHold.toNanos());
      } catch (RuntimeException e) {
        release = reached;
      }
      // Park most of the way, spin the last 200 µs: the release instant matters to the microsecond.
      while (host.monotonicNanos() < release - 200_000) {
        LockSupport.parkNanos(Math.max(50_000, release - host.monotonicNanos() - 200_000));
      }
      while (host.monotonicNanos() < release) {
        Thread.onSpinWait();
      }
      long released = host.monotonicNanos();
      out.write('r');
      passage.complete(new Passage(reached, released));
    } catch (IOException | RuntimeException e) {
      passage.completeExceptionally(e);
    }
  }

  /** When the restore passed the gate; empty if it never reached it (or the gate broke). */
  Optional<Passage> passage() {
    try {
      return Optional.ofNullable(passage.getNow(null));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
    while (!passage.isDone() && System.nanoTime() < deadline) {
      fifo.release();
      try {
        passage.get(20, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // keep releasing: the keeper may not have reached its open yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }
}
