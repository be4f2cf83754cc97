package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.FilesVerified;
import dev.ferry.proto.v1.TransferAck;
import dev.ferry.proto.v1.TransferDone;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.ChunkDecoder;
import dev.ferry.transfer.receive.LastDirectory;
import dev.ferry.transfer.receive.ReceiveSession;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.tree.Entry;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of one Send call. It asks gRPC for frames as it processes them (manual flow
 * control, a fixed number ahead), so unread data stays in the sender's window, never in an
 * unbounded queue here, and it reports processed bytes so the sender can keep its own window.
 */
final class ReceiveCall implements StreamObserver<TransferFrame> {
  private static final Logger log = LoggerFactory.getLogger(ReceiveCall.class);

  private static final long DEFAULT_ACK_EVERY = 256 << 10;
  /**
   * Frames requested ahead: one at a time would cost a thread hop per frame (ruinous for many
   * small files). Memory stays bounded: the sender never has more than its window unacknowledged.
   */
  private static final int FRAMES_AHEAD = 32;
  /** The codes of a refusal by the server (a gate, or its transport's message limit), as opposed to a broken call. */
  private static final Set<Status.Code> REFUSALS =
      EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);

  private final Receiver receiver;
  private final ServerCallStreamObserver<TransferAck> responses;
  private final ChunkDecoder decoder = new ChunkDecoder();
  private final LastDirectory lastDirectory = new LastDirectory();
  private final List<Entry> structure = new ArrayList<>();
  private final List<Integer> verified = new ArrayList<>();
  private long ackEveryBytes;
  private ReceiveSession session;
  private long processedBytes;
  private long ackedBytes;
  private boolean finished;
  private boolean released;

  ReceiveCall(Receiver receiver, ServerCallStreamObserver<TransferAck> responses) {
    this.receiver = receiver;
    this.responses = responses;
    responses.disableAutoRequest();
    responses.setOnCancelHandler(this::cancelled);
    responses.request(FRAMES_AHEAD);
  }

  @Override
  public void onNext(TransferFrame frame) {
    if (finished) {
      return;
    }
    try {
      handle(frame);
      processedBytes += frame.getSerializedSize();
      if (processedBytes - ackedBytes >= ackEveryBytes) {
        ack();
      }
      if (!finished) {
        responses.request(1);
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void handle(TransferFrame frame) {
    if (frame.hasBatch()) {
      for (TransferFrame inner : frame.getBatch().getFramesList()) {
        if (finished) {
          throw TransferException.invalid("frames after the close in one batch");
        }
        if (inner.hasBatch()) {
          throw TransferException.invalid("batches do not nest");
        }
        handleOne(inner);
      }
    } else {
      handleOne(frame);
    }
    if (!verified.isEmpty()) {
      responses.onNext(verified.size() == 1
          ? TransferAck.newBuilder().setFileVerified(verified.getFirst()).build()
          : TransferAck.newBuilder().setFilesVerified(FilesVerified.newBuilder().addAllFileIndex(verified)).build());
      verified.clear();
    }
  }

  private void handleOne(TransferFrame frame) {
    if (session == null && frame.getFrameCase() != TransferFrame.FrameCase.OPEN) {
      throw TransferException.invalid("the first frame of a call must be TransferOpen, was " + frame.getFrameCase());
    }
    switch (frame.getFrameCase()) {
      case OPEN -> open(frame);
      case FILE -> header(FrameMapper.fromProto(frame.getFile()), frame.getFile().getResumeOffset());
      case CHUNK -> session.chunk(this, FrameMapper.fromProto(frame.getChunk()), decoder);
      case FILE_END -> {
        var end = frame.getFileEnd();
        session.endFile(this, end.getFileIndex(), end.getSize(), end.getDigest().toByteArray());
        verified.add(end.getFileIndex());
      }
      case CLOSE -> commit(frame.getClose().getFilesTotal());
      case BATCH -> throw new IllegalStateException("batches are unpacked before");
      case FRAME_NOT_SET -> throw TransferException.invalid("empty frame");
    }
  }

  private void open(TransferFrame frame) {
    if (session != null) {
      throw TransferException.invalid("a call opens once");
    }
    long window = frame.getOpen().getWindowBytes();
    ackEveryBytes = window > 0 ? Math.max(1, window / 4) : DEFAULT_ACK_EVERY;
    session = receiver.open(FrameMapper.fromProto(frame.getOpen()));
    responses.onNext(TransferAck.newBuilder().setResumePoint(FrameMapper.toProto(session.resumePoint())).build());
  }

  private void header(Entry entry, long resumeOffset) {
    if (entry instanceof Entry.RegularFile f) {
      session.startFile(this, f, resumeOffset, lastDirectory);
    } else {
      structure.add(entry);
    }
  }

  private void commit(int filesTotal) {
    session.commit(structure, filesTotal);
    responses.onNext(TransferAck.newBuilder().setDone(TransferDone.newBuilder().setFiles(filesTotal)).build());
    finished = true;
    responses.onCompleted();
    release();
  }

  private void ack() {
    ackedBytes = processedBytes;
    responses.onNext(TransferAck.newBuilder().setProcessedBytes(processedBytes).build());
  }

  private void fail(RuntimeException e) {
    finished = true;
    TransferException failure = e instanceof TransferException te ? te
        : new TransferException(dev.ferry.transfer.FailureReason.INTERNAL_ERROR, "internal error: " + e, false, e);
    if (!failure.retryable() && session != null) {
      // Nothing partial may look complete: a failed transfer loses its staging directory.
      receiver.abort(session.transferId(), failure);
    }
    if (!(e instanceof TransferException)) {
      log.error("transfer call failed unexpectedly", e);
    }
    try {
      responses.onError(GrpcErrors.toStatus(e));
    } catch (IllegalStateException alreadyClosed) {
      log.debug("call already closed while reporting {}", e.getMessage());
    }
    release();
  }

  /**
   * A broken connection keeps the session for a resumed call. A call refused midway ends for good,
   * with its staging directory: by a gate in front of this service (authorization, request limits),
   * which cancels the call's Context with the refusal as the cause, or by the transport itself (a
   * message over the size limit), which only {@link StreamClosings} can tell.
   */
  private void cancelled() {
    Status refusal = refusal();
    if (refusal != null && session != null && !finished) {
      finished = true;
      // A message over the limit is bad input as well: the caller has its RESOURCE_EXHAUSTED already.
      FailureReason reason = refusal.getCode() == Status.Code.PERMISSION_DENIED
          ? FailureReason.PERMISSION_DENIED : FailureReason.INVALID_ARGUMENT;
      receiver.abort(session.transferId(), new TransferException(reason, "refused by the server: " + refusal.getDescription()));
    }
    release();
  }

  /** Why the server refused this call, or null when it broke or the sender cancelled (both resumable). */
  private static Status refusal() {
    // gRPC cancels with a status too (CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE): only a refusal's codes end the transfer.
    Status cause = Context.current().cancellationCause() instanceof StatusRuntimeException e ? e.getStatus() : null;
    return Stream.concat(Stream.ofNullable(cause), StreamClosings.ofCurrentCall().stream())
        .filter(s -> REFUSALS.contains(s.getCode())).findFirst().orElse(null);
  }

  @Override
  public void onError(Throwable t) {
    // The sender went away (a broken connection): the session stays for a resumed call.
    log.debug("transfer call broke: {}", t.toString());
    release();
  }

  @Override
  public void onCompleted() {
    if (finished) {
      return;
    }
    finished = true;
    ack();
    responses.onCompleted();
    release();
  }

  private synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    decoder.close();
    lastDirectory.close();
    if (session != null) {
      session.callEnded(receiver.nowNanos());
    }
  }
}
