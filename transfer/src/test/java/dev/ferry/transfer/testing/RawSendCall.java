package dev.ferry.transfer.testing;

import dev.ferry.proto.v1.TransferAck;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A hand-driven Send call: sends exactly the frames a test (or an attacker) chooses. */
public final class RawSendCall implements StreamObserver<TransferAck> {
  public final List<TransferAck> acks = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();
  private final StreamObserver<TransferFrame> requests;
  private volatile Throwable error;

  public RawSendCall(Channel channel) {
    this.requests = TransferGrpc.newStub(channel).send(this);
  }

  public RawSendCall send(TransferFrame... frames) {
    for (TransferFrame f : frames) {
      requests.onNext(f);
    }
    return this;
  }

  public void halfClose() {
    requests.onCompleted();
  }

  /** The status the receiver ended the call with (OK if it completed). */
  public Status awaitEnd(Duration timeout) throws Exception {
    return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The FerryError the receiver put in the status details, if any. */
  public dev.ferry.proto.v1.FerryError ferryError() throws Exception {
    com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(error);
    return status.getDetails(0).unpack(dev.ferry.proto.v1.FerryError.class);
  }

  @Override
  public void onNext(TransferAck ack) {
    acks.add(ack);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    end.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end.complete(Status.OK);
  }
}
