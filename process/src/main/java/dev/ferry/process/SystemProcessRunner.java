package dev.ferry.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The only class in Ferry that touches {@link ProcessBuilder}. */
public final class SystemProcessRunner implements ProcessRunner {
  /** Bytes of stdout and of stderr kept per process: the end, where failures are explained. */
  public static final int MAX_CAPTURE = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(SystemProcessRunner.class);
  private static final File DEV_NULL = new File("/dev/null");

  @Override
  public ProcessResult run(ProcessSpec spec) {
    try (Started started = launch(spec)) {
      boolean timedOut = !started.waitFor(spec.timeout());
      if (timedOut) {
        log.warn("`{}` exceeded its {} ms timeout; terminating", spec.commandLine(), spec.timeout().toMillis());
        started.terminate(spec.gracePeriod());
      }
      return started.result(timedOut);
    }
  }

  @Override
  public RunningProcess start(ProcessSpec spec) {
    return launch(spec);
  }

  private Started launch(ProcessSpec spec) {
    ProcessBuilder pb = new ProcessBuilder(spec.argv());
    pb.environment().putAll(spec.env());
    if (spec.workingDir() != null) {
      pb.directory(spec.workingDir().toFile());
    }
    pb.redirectInput(DEV_NULL);
    if (spec.stdoutFile() != null) {
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.stdoutFile().toFile()));
      pb.redirectErrorStream(true);
    }
    long start = System.nanoTime();
    try {
      Process process = pb.start();
      log.debug("started pid {}: {}", process.pid(), spec.commandLine());
      return new Started(spec, process, start);
    } catch (IOException e) {
      ProcessResult failed = new ProcessResult(spec.argv(), 127, "", "cannot start: " + e.getMessage(),
          Duration.ofNanos(System.nanoTime() - start), false);
      throw new CommandFailedException(failed);
    }
  }

  /** A launched process with its output being drained on virtual threads. */
  private static final class Started implements RunningProcess {
    private final ProcessSpec spec;
    private final Process process;
    private final long startNanos;
    private final Drain stdout;
    private final Drain stderr;

    Started(ProcessSpec spec, Process process, long startNanos) {
      this.spec = spec;
      this.process = process;
      this.startNanos = startNanos;
      boolean captured = spec.stdoutFile() == null;
      this.stdout = captured ? Drain.of(process.getInputStream()) : Drain.NONE;
      this.stderr = captured ? Drain.of(process.getErrorStream()) : Drain.NONE;
    }

    boolean waitFor(Duration timeout) {
      try {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        terminate(spec.gracePeriod());
        return true;
      }
    }

    void terminate(Duration grace) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(grace.toNanos(), TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    ProcessResult result(boolean timedOut) {
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      int code = process.isAlive() ? -1 : process.exitValue();
      String out = spec.stdoutFile() != null ? fileTail(spec.stdoutFile()) : stdout.text();
      return new ProcessResult(spec.argv(), timedOut ? -1 : code, out, stderr.text(), took, timedOut);
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public Optional<ProcessResult> await(Duration timeout) {
      return waitFor(timeout) ? Optional.of(result(false)) : Optional.empty();
    }

    @Override
    public ProcessResult stop() {
      terminate(spec.gracePeriod());
      return result(false);
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        terminate(spec.gracePeriod());
      }
    }

    private static String fileTail(Path file) {
      try {
        long size = Files.size(file);
        try (var ch = Files.newByteChannel(file)) {
          ch.position(Math.max(0, size - MAX_CAPTURE));
          return new String(Channels.readAll(ch), StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        return "";
      }
    }
  }

  /** Reads one stream to its end on a virtual thread, keeping only its last MAX_CAPTURE bytes. */
  private static final class Drain {
    static final Drain NONE = new Drain();
    private final Thread thread;
    private final TailBuffer buffer = new TailBuffer(MAX_CAPTURE);

    private Drain() {
      this.thread = null;
    }

    private Drain(InputStream in) {
      this.thread = Thread.ofVirtual().name("process-drain").start(() -> {
        byte[] chunk = new byte[8192];
        try (in) {
          for (int n; (n = in.read(chunk)) > 0; ) {
            buffer.append(chunk, n);
          }
        } catch (IOException e) {
          // The stream closed under us: the process is gone and what we have is what there is.
        }
      });
    }

    static Drain of(InputStream in) {
      return new Drain(in);
    }

    String text() {
      if (thread == null) {
        return "";
      }
      try {
        // A child that inherited the pipe (crun's container) could keep it open: don't wait forever.
        thread.join(Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return buffer.text();
    }
  }

  /** Keeps the last {@code capacity} bytes appended. */
  private static final class TailBuffer {
    private final int capacity;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TailBuffer(int capacity) {
      this.capacity = capacity;
    }

    synchronized void append(byte[] data, int len) {
      out.write(data, 0, len);
      if (out.size() > 2 * capacity) {
        byte[] all = out.toByteArray();
        out.reset();
        out.write(all, all.length - capacity, capacity);
      }
    }

    synchronized String text() {
      byte[] all = out.toByteArray();
      int from = Math.max(0, all.length - capacity);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }
  }

  /** Reads what is left of a channel. */
  private static final class Channels {
    static byte[] readAll(java.nio.channels.SeekableByteChannel ch) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8192);
      while (ch.read(buf) > 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      return out.toByteArray();
    }
  }
}
