package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.TransferClose;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.Manifest;
import dev.ferry.transfer.tree.TreeWalker;
import io.grpc.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Sends a directory tree to a peer agent's Transfer service: N streams of files in parallel,
 * then a commit call with the rest of the tree. Blocks until the receiver has verified and
 * committed everything, or throws {@link TransferException}.
 */
public final class TreeSender {
  private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

  private final TransferPlan plan;
  private final Consumer<TransferStats> progress;
  private final long startNanos;
  private long lastProgressNanos;

  private TreeSender(TransferPlan plan, Consumer<TransferStats> progress) {
    this.plan = plan;
    this.progress = progress;
    this.startNanos = plan.ticker().nanos();
  }

  /**
   * Sends {@code request.source()} and returns what the transfer did.
   *
   * @param progress called now and then from a sending thread, and once at the end
   * @throws TransferException with IMAGE_CHECKSUM_MISMATCH, DISK_FULL, PERMISSION_DENIED, ... ;
   *     a broken connection is resumed up to {@code options.maxAttempts()} times first
   */
  public static TransferStats send(Channel channel, SendRequest request, Consumer<TransferStats> progress) {
    Manifest manifest = TreeWalker.walk(request.source());
    String transferId = UUID.randomUUID().toString();
    TransferPlan plan = TransferPlan.of(channel, request, manifest, transferId, Ticker.SYSTEM);
    return new TreeSender(plan, progress).run();
  }

  private TransferStats run() {
    sendFiles();
    commit();
    TransferStats stats = stats();
    progress.accept(stats);
    return stats;
  }

  private void sendFiles() {
    int streams = streams();
    List<StreamWorker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < streams; i++) {
      StreamWorker worker = new StreamWorker(plan, i);
      workers.add(worker);
      threads.add(Thread.ofVirtual().name("ferry-send-" + plan.transferId() + "-" + i).start(() -> {
        try {
          worker.run();
        } catch (RuntimeException e) {
          failures.add(e);
          workers.forEach(w -> w.abort("another stream failed: " + e.getMessage()));
        }
      }));
    }
    Thread reporter = Thread.ofVirtual().start(this::reportWhileRunning);
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      workers.forEach(w -> w.abort("interrupted"));
      Thread.currentThread().interrupt();
      throw new TransferException(FailureReason.CANCELLED, "interrupted while sending", false, e);
    } finally {
      reporter.interrupt();
    }
    if (!failures.isEmpty()) {
      throw rootCause(failures);
    }
  }

  /** The failure that explains the others: streams aborted because of it only say "cancelled". */
  private static RuntimeException rootCause(List<RuntimeException> failures) {
    return failures.stream()
        .filter(e -> !(e instanceof TransferException te) || (te.reason() != FailureReason.CANCELLED && te.reason() != FailureReason.TRANSFER_FAILED))
        .findFirst().orElse(failures.getFirst());
  }

  private void reportWhileRunning() {
    try {
      while (true) {
        Thread.sleep(Duration.ofNanos(PROGRESS_EVERY_NANOS));
        progress.accept(stats());
      }
    } catch (InterruptedException done) {
      // the streams finished
    }
  }

  private void commit() {
    Retrying.run(plan, "commit", attempt -> {
      SendCall call = plan.startCall(index -> { });
      try {
        call.send(plan.openFrame());
        if (call.awaitResumePoint().committed()) {
          call.finish();
          return;
        }
        for (Entry e : plan.manifest().structure()) {
          call.send(TransferFrame.newBuilder().setFile(FrameMapper.toProto(e, 0)).build());
        }
        call.send(TransferFrame.newBuilder().setClose(TransferClose.newBuilder()
            .setFilesTotal(plan.manifest().files().size()).setBytesTotal(plan.manifest().bytesTotal())).build());
        call.awaitDone();
      } catch (RuntimeException e) {
        call.cancel("commit failed: " + e.getMessage());
        throw e;
      }
    });
  }

  private int streams() {
    return Math.max(1, Math.min(plan.request().options().parallelStreams(), plan.manifest().files().size()));
  }

  private TransferStats stats() {
    SendCounters c = plan.counters();
    Manifest m = plan.manifest();
    return new TransferStats(m.bytesTotal(), c.sentRawBytes.get(), c.wireBytes.get(), m.files().size(),
        m.entries().size(), Duration.ofNanos(plan.ticker().nanos() - startNanos), streams(), c.reconnects.get(),
        c.peakInFlight.get(), plan.compression().description(), plan.compression().reason());
  }
}
