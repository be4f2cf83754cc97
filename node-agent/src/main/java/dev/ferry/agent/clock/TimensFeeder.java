package dev.ferry.agent.clock;

import dev.ferry.process.ProcessRunner;
import dev.ferry.timesync.ClockReading;
import dev.ferry.timesync.TimensImage;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a FIFO in place of a dump's timens image and writes the clocks into it the moment CRIU
 * opens it, so the values are decided at the instant CRIU reads them (CRIU sets the namespace
 * offsets from them a few milliseconds later). If deciding fails, CRIU gets the values it
 * recorded: its plain behaviour. {@link #close} puts the recorded image back as a regular file.
 */
final class TimensFeeder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TimensFeeder.class);
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

  /**
   * What CRIU was handed.
   *
   * @param atMonotonic host CLOCK_MONOTONIC when CRIU opened the image
   * @param fallback    why CRIU got the recorded values instead of the decided ones; null when it got them
   */
  record HandOver(long atMonotonic, ClockReading values, String fallback) {}

  private final Path image;
  private final TimensImage recorded;
  private final Fifo fifo;
  private final CompletableFuture<HandOver> handOver = new CompletableFuture<>();
  private volatile boolean closed;

  private TimensFeeder(Path image, TimensImage recorded, Fifo fifo) {
    this.image = image;
    this.recorded = recorded;
    this.fifo = fifo;
  }

  /**
   * @param decide the clocks to hand over, given the host CLOCK_MONOTONIC at which CRIU opened the image
   */
  static TimensFeeder start(ProcessRunner runner, Path images, HostClock host, LongFunction<ClockReading> decide) throws IOException {
    Path image = TimensImage.locate(images);
    TimensImage recorded = TimensImage.read(image);
    // Made beside the image and moved over it: on any failure the image is left as CRIU wrote it.
    Fifo staged = Fifo.create(runner, image.resolveSibling(image.getFileName() + ".ferry-fifo"));
    Files.move(staged.path(), image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    TimensFeeder feeder = new TimensFeeder(image, recorded, Fifo.at(image));
    Fifo.startWriter("timens-feeder", () -> feeder.feed(host, decide));
    return feeder;
  }

  private void feed(HostClock host, LongFunction<ClockReading> decide) {
    rehearse(host, decide);
    try (OutputStream out = new FileOutputStream(image.toFile()); RealtimePriority ignored = RealtimePriority.raise()) {
      long opened = host.monotonicNanos();
      if (closed) {
        throw new IOException("the restore ended without opening it");
      }
      HandOver h;
      byte[] bytes;
      try {
        ClockReading values = decide.apply(opened);
        bytes = recorded.withClocks(values).toBytes();
        h = new HandOver(opened, values, null);
      } catch (RuntimeException e) {
        bytes = recorded.toBytes();
        h = new HandOver(opened, recorded.clocks(), "the clocks could not be decided: " + e.getMessage());
      }
      out.write(bytes);
      handOver.complete(h);
    } catch (IOException | RuntimeException e) {
      handOver.complete(new HandOver(host.monotonicNanos(), recorded.clocks(), "CRIU did not read the timens image: " + e.getMessage()));
    }
  }

  /**
   * Decides and encodes once before CRIU comes, discarding the result: CRIU sets the offsets only
   * after the bytes arrive, and every microsecond between its open and our write is missing from
   * the container's boottime. Cold (classes loading, interpreted), that took 2-5.6 ms in an agent's
   * first restore; rehearsed, with the thread under SCHED_FIFO, CRIU set the offsets 0.4-1.4 ms after its open.
   */
  private void rehearse(HostClock host, LongFunction<ClockReading> decide) {
    try {
      recorded.withClocks(decide.apply(host.monotonicNanos())).toBytes();
    } catch (RuntimeException e) {
      log.debug("rehearsing the timens hand-over failed (the real one will fall back): {}", e.getMessage());
    }
  }

  /** What CRIU read, once it read it. */
  HandOver awaitHandOver(Duration max) throws TimeoutException, InterruptedException {
    try {
      return handOver.get(max.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  boolean handedOver() {
    return handOver.isDone();
  }

  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
    while (!handOver.isDone() && System.nanoTime() < deadline) {
      fifo.release();
      try {
        handOver.get(20, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // keep releasing: the feeder may not have reached its open yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      recorded.write(image);
    } catch (RuntimeException e) {
      log.warn("could not put the recorded timens image {} back: {}", image, e.getMessage());
    }
  }
}
