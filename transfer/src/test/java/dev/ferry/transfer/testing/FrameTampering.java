package dev.ferry.transfer.testing;

import dev.ferry.proto.v1.TransferAck;
import dev.ferry.proto.v1.TransferFrame;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Rewrites transfer frames on the wire, as a faulty network or a hostile peer would, and the
 * receiver's acknowledgements, as a receiver of another version would send them.
 */
public final class FrameTampering implements ClientInterceptor {
  private final UnaryOperator<TransferFrame> tamper;
  private final UnaryOperator<TransferAck> ackTamper;
  public final AtomicInteger tampered = new AtomicInteger();

  public FrameTampering(UnaryOperator<TransferFrame> tamper) {
    this(tamper, UnaryOperator.identity());
  }

  public FrameTampering(UnaryOperator<TransferFrame> tamper, UnaryOperator<TransferAck> ackTamper) {
    this.tamper = tamper;
    this.ackTamper = ackTamper;
  }

  /** Acknowledgements rewritten, frames untouched. */
  public static FrameTampering acks(UnaryOperator<TransferAck> ackTamper) {
    return new FrameTampering(UnaryOperator.identity(), ackTamper);
  }

  /** Flips one bit in the data of the {@code n}-th chunk that carries data. */
  public static FrameTampering flipByteInChunk(int n) {
    AtomicInteger seen = new AtomicInteger();
    return new FrameTampering(f -> {
      if (f.hasChunk() && !f.getChunk().getData().isEmpty() && seen.getAndIncrement() == n) {
        byte[] data = f.getChunk().getData().toByteArray();
        data[data.length / 2] ^= 0x10;
        return f.toBuilder().setChunk(f.getChunk().toBuilder().setData(com.google.protobuf.ByteString.copyFrom(data))).build();
      }
      return f;
    });
  }

  /** Frames inside a batch are tampered with one by one, as if they travelled alone. */
  private TransferFrame apply(TransferFrame frame) {
    if (!frame.hasBatch()) {
      return tamper.apply(frame);
    }
    var batch = dev.ferry.proto.v1.FrameBatch.newBuilder();
    boolean changed = false;
    for (TransferFrame inner : frame.getBatch().getFramesList()) {
      TransferFrame out = tamper.apply(inner);
      changed |= out != inner;
      batch.addFrames(out);
    }
    return changed ? frame.toBuilder().setBatch(batch).build() : frame;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          @SuppressWarnings("unchecked")
          public void onMessage(R message) {
            super.onMessage(message instanceof TransferAck ack ? (R) ackTamper.apply(ack) : message);
          }
        }, headers);
      }

      @Override
      @SuppressWarnings("unchecked")
      public void sendMessage(Q message) {
        if (message instanceof TransferFrame frame) {
          TransferFrame changed = apply(frame);
          if (changed != frame) {
            tampered.incrementAndGet();
          }
          super.sendMessage((Q) changed);
        } else {
          super.sendMessage(message);
        }
      }
    };
  }
}
