package dev.ferry.transfer.testing;

import dev.ferry.proto.v1.TransferAck;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/** The server side of a Send call without a network: records what the receiver answers and how the call ended. */
public final class RecordingResponses extends ServerCallStreamObserver<TransferAck> {
  public final List<TransferAck> acks = new ArrayList<>();
  /** What a real gRPC call would have refused with IllegalStateException: messages or a second end after the end. */
  public final List<String> afterTheEnd = new ArrayList<>();
  private Throwable error;
  private boolean completed;

  /** How the call ended: OK when completed, the error's status when failed, null while open. */
  public Status status() {
    return error != null ? Status.fromThrowable(error) : completed ? Status.OK : null;
  }

  public Throwable error() {
    return error;
  }

  public boolean committed() {
    return acks.stream().anyMatch(TransferAck::hasDone);
  }

  @Override
  public void onNext(TransferAck ack) {
    if (error != null || completed) {
      afterTheEnd.add("message " + ack);
      throw new IllegalStateException("a message after the call ended");
    }
    acks.add(ack);
  }

  @Override
  public void onError(Throwable t) {
    if (error != null || completed) {
      afterTheEnd.add("error " + t);
      throw new IllegalStateException("call already closed");
    }
    error = t;
  }

  @Override
  public void onCompleted() {
    if (error != null || completed) {
      afterTheEnd.add("completion");
      throw new IllegalStateException("call already closed");
    }
    completed = true;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {}

  @Override
  public void setCompression(String compression) {}

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {}

  @Override
  public void disableAutoRequest() {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}
}
