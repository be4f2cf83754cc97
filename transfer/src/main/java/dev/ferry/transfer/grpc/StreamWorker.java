package dev.ferry.transfer.grpc;

import com.google.protobuf.ByteString;
import dev.ferry.proto.v1.FileEnd;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.ChunkEncoder;
import dev.ferry.transfer.codec.EncodedChunk;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.nativeio.SymlinkNowException;
import dev.ferry.transfer.receive.ResumePoint;
import dev.ferry.transfer.send.FileChunks;
import dev.ferry.transfer.send.SourceFiles;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.TreeWalker;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of a transfer: takes files from the shared queue and sends them on its call. A file
 * that is still growing (pipelining) is parked at its current end and continued when it has
 * grown, while the stream sends other files. When the call breaks, the worker opens a new one
 * and continues every file it has not seen verified from the receiver's resume point.
 */
final class StreamWorker {
  private static final Logger log = LoggerFactory.getLogger(StreamWorker.class);
  private static final long IDLE_POLL_MILLIS = 2;

  private final TransferPlan plan;
  private final int streamIndex;
  /** Files this stream started and the receiver has not verified yet, in start order. */
  private final Map<Integer, Cursor> unverified = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  /** Files started on the current call and not ended: growing files parked at their current end. */
  private final List<Cursor> open = new ArrayList<>();
  private final byte[] buffer;
  /** Opens this stream's files, relative to the directory it is in. */
  private final SourceFiles sourceFiles;
  private volatile SendCall current;
  /** The whole-file hash the receiver verifies with, as its resume point says. */
  private WholeFileHash hash = WholeFileHash.PREFERRED;
  /** The receiver takes chunks that leave zero pages out, as its resume point says. */
  private boolean skipZeroPages;
  private volatile boolean aborted;

  /** Where a file stands on the current call. */
  private static final class Cursor {
    final Entry.RegularFile file;
    FileChunks chunks;
    SendCall headerSentOn;
    boolean ended;

    Cursor(Entry.RegularFile file) {
      this.file = file;
    }
  }

  StreamWorker(TransferPlan plan, int streamIndex) {
    this.plan = plan;
    this.streamIndex = streamIndex;
    this.buffer = new byte[plan.request().options().chunkBytes()];
    this.sourceFiles = new SourceFiles(plan.request().source());
  }

  void run() {
    try (ChunkEncoder encoder = new ChunkEncoder(); sourceFiles) {
      Retrying.run(plan, "stream " + streamIndex, attempt -> {
        SendCall call = plan.startCall(this::verified);
        current = call;
        try {
          call.send(plan.openFrame());
          ResumePoint resumePoint = call.awaitResumePoint();
          Map<Integer, ResumePoint.FileProgress> progress = resumePoint.byIndex();
          hash = resumePoint.wholeFileHash();
          skipZeroPages = resumePoint.zeroPageMaps();
          if (attempt > 0) {
            plan.counters().reconnects.incrementAndGet();
          }
          rewind(progress);
          sendAll(call, encoder, progress);
          call.finish();
          if (!unverified.isEmpty() && !aborted) {
            throw new TransferException(FailureReason.TRANSFER_FAILED,
                "the receiver closed the call without verifying " + unverified.size() + " files", true, null);
          }
        } catch (RuntimeException e) {
          call.cancel("stream failed: " + e.getMessage());
          if (aborted) {
            // Our own cancellation, because another stream failed for good: no retry.
            throw new TransferException(FailureReason.CANCELLED, "stream aborted: " + e.getMessage(), false, e);
          }
          throw e;
        } finally {
          closeCursors();
        }
      });
    }
  }

  /** After a reconnect every unverified file restarts from what the receiver holds. */
  private void rewind(Map<Integer, ResumePoint.FileProgress> progress) {
    synchronized (unverified) {
      unverified.values().removeIf(c -> {
        ResumePoint.FileProgress p = progress.get(c.file.index());
        return p != null && p.complete();
      });
      open.clear();
      for (Cursor c : unverified.values()) {
        c.chunks = null;
        c.headerSentOn = null;
        c.ended = false;
        open.add(c);
      }
    }
  }

  private void sendAll(SendCall call, ChunkEncoder encoder, Map<Integer, ResumePoint.FileProgress> progress) {
    while (!aborted) {
      boolean sentSomething = false;
      for (Cursor c : List.copyOf(open)) {
        sentSomething |= pump(call, encoder, c, progress) > 0;
      }
      open.removeIf(c -> c.ended);
      Entry.RegularFile next = plan.queue().poll();
      if (next != null) {
        ResumePoint.FileProgress p = progress.get(next.index());
        if (p == null || !p.complete()) {
          Cursor c = new Cursor(next);
          unverified.put(next.index(), c);
          pump(call, encoder, c, progress);
          if (!c.ended) {
            open.add(c);
          }
        }
        continue;
      }
      if (open.isEmpty() && plan.discovery().finished()) {
        return;
      }
      if (!sentSomething) {
        call.flush(); // nothing to add to the batch for now: what waits must not wait longer
        sleepBriefly(); // waiting for a writer to grow a file or create a new one
      }
    }
  }

  /** Sends what the file holds now; ends it if its writer is done. Returns the raw bytes sent. */
  private long pump(SendCall call, ChunkEncoder encoder, Cursor c, Map<Integer, ResumePoint.FileProgress> progress) {
    Entry.RegularFile file = c.file;
    long sent = 0;
    try {
      if (c.chunks == null) {
        ResumePoint.FileProgress p = progress.get(file.index());
        c.chunks = chunks(file, p == null ? 0 : p.verifiedBytes());
      }
      if (c.headerSentOn != call) {
        call.send(TransferFrame.newBuilder().setFile(FrameMapper.toProto(file, c.chunks.position()).toBuilder()
            .setGrowing(plan.request().pipelined())).build());
        c.headerSentOn = call;
      }
      while (true) {
        // Read the writer's state before the data: bytes written before "done" are then all seen.
        boolean writerDone = plan.discovery().writerDone();
        if (!plan.request().pipelined() && c.chunks.position() >= file.size()) {
          end(call, c); // a finished file: the walk's size, without one more read to find its end
          return sent;
        }
        int n = c.chunks.next();
        if (n == 0) {
          if (writerDone) {
            end(call, c);
          }
          return sent;
        }
        sendChunk(call, encoder, file, c.chunks, n);
        sent += n;
      }
    } catch (IOException e) {
      throw new TransferException(FailureReason.INTERNAL_ERROR, "cannot read " + file.path() + ": " + e.getMessage(), false, e);
    }
  }

  private FileChunks chunks(Entry.RegularFile file, long resumeOffset) throws IOException {
    try {
      return new FileChunks(sourceFiles, file, buffer, resumeOffset, hash);
    } catch (NoSuchFileException | SymlinkNowException e) {
      // Gone, or a symbolic link now: either way the walk's file is not there to read.
      if (!plan.request().kind().readWhileInUse() || resumeOffset > 0) {
        throw e;
      }
      log.debug("{} is no longer a file since the walk: sent empty, for the next pass to delete, replace or send",
          file.path());
      plan.counters().sentEmpty.add(file.path());
      return FileChunks.vanished(file, buffer, hash);
    }
  }

  private void sendChunk(SendCall call, ChunkEncoder encoder, Entry.RegularFile file, FileChunks chunks, int n) {
    if (aborted) {
      throw new TransferException(FailureReason.CANCELLED, "another stream failed", false, null);
    }
    long start = plan.ticker().nanos();
    Integer level = plan.compression().level();
    EncodedChunk encoded = encoder.encode(chunks.buffer(), n, level, skipZeroPages);
    long compressed = plan.ticker().nanos();
    TransferFrame frame = TransferFrame.newBuilder()
        .setChunk(FrameMapper.toProto(file.index(), chunks.position() - n, encoded)).build();
    try {
      plan.throttle().acquire(frame.getSerializedSize());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransferException(FailureReason.CANCELLED, "interrupted while sending " + file.path(), false, e);
    }
    call.send(frame);
    plan.counters().sentRawBytes.addAndGet(n);
    plan.compression().record(encoded, level, compressed - start, plan.ticker().nanos() - compressed);
  }

  private void end(SendCall call, Cursor c) throws IOException {
    if (plan.request().pipelined()) {
      // The header went out while the file grew: its mtime (and maybe mode) are final only now.
      var attributes = TreeWalker.attributes(plan.request().source().resolve(c.file.path()));
      var fresh = new Entry.RegularFile(c.file.path(), c.file.index(), c.chunks.position(), attributes);
      call.send(TransferFrame.newBuilder().setFile(FrameMapper.toProto(fresh, c.chunks.position())).build());
    }
    call.send(TransferFrame.newBuilder().setFileEnd(FileEnd.newBuilder().setFileIndex(c.file.index())
        .setSize(c.chunks.position()).setDigest(ByteString.copyFrom(c.chunks.digest()))).build());
    c.ended = true;
    c.chunks.close();
    c.chunks = null; // until verified only the index is kept: a reconnect reopens the file
  }

  private void verified(int fileIndex) {
    Cursor c = unverified.remove(fileIndex);
    if (c != null) {
      plan.counters().filesVerified.incrementAndGet();
    }
  }

  private void closeCursors() {
    synchronized (unverified) {
      for (Cursor c : unverified.values()) {
        if (c.chunks != null) {
          c.chunks.close(); // reopened on the next call
        }
      }
    }
  }

  private void sleepBriefly() {
    try {
      Thread.sleep(IDLE_POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransferException(FailureReason.CANCELLED, "interrupted while waiting for the writer", false, e);
    }
  }

  /** Stops this stream because another one failed for good. */
  void abort(String why) {
    aborted = true;
    SendCall call = current;
    if (call != null) {
      call.cancel(why);
    }
    log.debug("stream {} aborted: {}", streamIndex, why);
  }
}
