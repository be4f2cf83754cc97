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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends a directory tree to a peer agent's Transfer service: N streams of files in parallel,
 * then a commit call with the rest of the tree. Blocks until the receiver has verified and
 * committed everything, or throws {@link TransferException}.
 */
public final class TreeSender {
  private static final long PROGRESS_EVERY_NANOS = 250_000_000L;
  private static final long DISCOVERY_POLL_MILLIS = 10;

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
    return send(channel, request, () -> TreeWalker.walk(request.source()), "", progress);
  }

  static TransferStats send(Channel channel, SendRequest request, Supplier<Manifest> walker, String baseDestination,
      Consumer<TransferStats> progress) {
    String transferId = UUID.randomUUID().toString();
    TransferPlan plan = TransferPlan.of(channel, request, walker, baseDestination, transferId, Ticker.SYSTEM);
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
    List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    plan.discovery().scan(); // the first Open announces what exists already
    List<StreamWorker> workers = new ArrayList<>();
    for (int i = 0; i < streams(); i++) {
      workers.add(new StreamWorker(plan, i));
    }
    Thread discovery = Thread.ofVirtual().name("ferry-discover-" + plan.transferId()).start(() -> {
      try {
        plan.discovery().run(DISCOVERY_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failures.add(new TransferException(FailureReason.INTERNAL_ERROR,
            "cannot scan " + plan.request().source() + ": " + e.getMessage(), false, e));
        workers.forEach(w -> w.abort("scanning the source failed"));
      }
    });
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      StreamWorker worker = workers.get(i);
      threads.add(Thread.ofVirtual().name("ferry-send-" + plan.transferId() + "-" + i).start(() -> {
        try {
          worker.run();
        } catch (RuntimeException | Error e) {
          failures.add(e instanceof RuntimeException re ? re
              : new TransferException(FailureReason.INTERNAL_ERROR, "stream failed: " + e, false, e));
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
      discovery.interrupt();
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
    int wanted = plan.request().options().parallelStreams();
    Manifest m = plan.manifest();
    // A finished tree needs no more streams than files; a growing one may still get more files.
    return plan.request().pipelined() || m == null ? wanted : Math.max(1, Math.min(wanted, m.files().size()));
  }

  private TransferStats stats() {
    SendCounters c = plan.counters();
    Manifest m = plan.manifest() == null ? new Manifest(java.util.List.of(), java.util.List.of()) : plan.manifest();
    return new TransferStats(m.bytesTotal(), c.sentRawBytes.get(), c.wireBytes.get(), m.files().size(),
        m.entries().size(), Duration.ofNanos(plan.ticker().nanos() - startNanos), streams(), c.reconnects.get(),
        c.peakInFlight.get(), plan.compression().description(), plan.compression().reason(), c.sentEmpty);
  }
}
