package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.FileEnd;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.ChunkEncoder;
import dev.ferry.transfer.codec.EncodedChunk;
import dev.ferry.transfer.receive.ResumePoint;
import dev.ferry.transfer.send.FileChunks;
import dev.ferry.transfer.tree.Entry;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of a transfer: takes files from the shared queue and sends them on its call. When
 * the call breaks it opens a new one and continues every unverified file from the receiver's
 * resume point.
 */
final class StreamWorker {
  private static final Logger log = LoggerFactory.getLogger(StreamWorker.class);

  private final TransferPlan plan;
  private final int streamIndex;
  private final Map<Integer, Entry.RegularFile> unverified = new ConcurrentHashMap<>();
  private volatile SendCall current;
  private volatile boolean aborted;

  StreamWorker(TransferPlan plan, int streamIndex) {
    this.plan = plan;
    this.streamIndex = streamIndex;
  }

  void run() {
    try (ChunkEncoder encoder = new ChunkEncoder()) {
      Retrying.run(plan, "stream " + streamIndex, attempt -> {
        SendCall call = plan.startCall(this::verified);
        current = call;
        try {
          call.send(plan.openFrame());
          Map<Integer, ResumePoint.FileProgress> progress = call.awaitResumePoint().byIndex();
          if (attempt > 0) {
            plan.counters().reconnects.incrementAndGet();
          }
          List<Entry.RegularFile> again = new ArrayList<>(unverified.values());
          for (Entry.RegularFile f : again) {
            sendFile(call, encoder, f, progress.get(f.index()));
          }
          Entry.RegularFile next;
          while (!aborted && (next = plan.queue().poll()) != null) {
            sendFile(call, encoder, next, progress.get(next.index()));
          }
          call.finish();
          if (!unverified.isEmpty() && !aborted) {
            throw new TransferException(FailureReason.TRANSFER_FAILED,
                "the receiver closed the call without verifying " + unverified.size() + " files", true, null);
          }
        } catch (RuntimeException e) {
          call.cancel("stream failed: " + e.getMessage());
          throw e;
        }
      });
    }
  }

  private void sendFile(SendCall call, ChunkEncoder encoder, Entry.RegularFile file, ResumePoint.FileProgress progress) {
    if (progress != null && progress.complete()) {
      unverified.remove(file.index());
      return;
    }
    unverified.put(file.index(), file);
    long offset = progress == null ? 0 : progress.verifiedBytes();
    int chunkBytes = plan.request().options().chunkBytes();
    try (FileChunks chunks = new FileChunks(plan.request().source(), file, chunkBytes, offset)) {
      call.send(TransferFrame.newBuilder().setFile(FrameMapper.toProto(file, offset)).build());
      int n;
      while ((n = chunks.next()) > 0) {
        if (aborted) {
          throw new TransferException(FailureReason.CANCELLED, "another stream failed", false, null);
        }
        long start = plan.ticker().nanos();
        Integer level = plan.compression().level();
        EncodedChunk encoded = encoder.encode(chunks.buffer(), n, level);
        long compressed = plan.ticker().nanos();
        TransferFrame frame = TransferFrame.newBuilder()
            .setChunk(FrameMapper.toProto(file.index(), chunks.position() - n, encoded)).build();
        plan.throttle().acquire(frame.getSerializedSize());
        call.send(frame);
        plan.counters().sentRawBytes.addAndGet(n);
        plan.compression().record(encoded, level, compressed - start, plan.ticker().nanos() - compressed);
      }
      call.send(TransferFrame.newBuilder().setFileEnd(FileEnd.newBuilder()
          .setFileIndex(file.index()).setSize(chunks.position()).setSha256(ByteString.copyFrom(chunks.digest()))).build());
    } catch (IOException e) {
      throw new TransferException(FailureReason.INTERNAL_ERROR, "cannot read " + file.path() + ": " + e.getMessage(), false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransferException(FailureReason.CANCELLED, "interrupted while sending " + file.path(), false, e);
    }
  }

  private void verified(int fileIndex) {
    if (unverified.remove(fileIndex) != null) {
      plan.counters().filesVerified.incrementAndGet();
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
