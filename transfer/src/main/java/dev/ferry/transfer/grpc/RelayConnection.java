package dev.ferry.transfer.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dev.ferry.proto.v1.RelayData;
import dev.ferry.proto.v1.RelayFrame;
import dev.ferry.transfer.codec.ChunkEncoder;
import dev.ferry.transfer.codec.EncodedChunk;
import com.github.luben.zstd.Zstd;
import io.grpc.stub.CallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins one TCP connection (CRIU on one side) to one RelayPages call, in both directions and
 * with backpressure both ways: socket reads wait until gRPC is ready, and the next frame is
 * requested only after the previous one was written to the socket. Used on both agents.
 */
final class RelayConnection {
  private static final Logger log = LoggerFactory.getLogger(RelayConnection.class);
  private static final int READ_BYTES = 256 << 10;

  private final Socket socket;
  private final Integer level;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  final AtomicLong bytesIn = new AtomicLong();
  final AtomicLong bytesOut = new AtomicLong();
  final AtomicLong wireBytes = new AtomicLong();
  private CallStreamObserver<RelayFrame> out;
  private boolean upstreamDone;
  private boolean downstreamDone;
  private volatile boolean closed;

  /** @param level zstd level for socket data sent on the call, or null to send it raw */
  RelayConnection(Socket socket, Integer level) {
    this.socket = socket;
    this.level = level;
  }

  /**
   * Binds the call's outbound side; call before {@link #pumpSocket()}. The call's on-ready
   * handler (set by the caller, while gRPC still allows it) must call {@link #signalReady()}.
   */
  void attach(CallStreamObserver<RelayFrame> outbound) {
    this.out = outbound;
  }

  /** Sends the opening frame (the source side), waiting for gRPC to be ready like any frame. */
  void sendOpen(RelayFrame open) {
    try {
      send(open);
    } catch (InterruptedException e) {
      fail(e);
    }
  }

  /** Reads the socket until EOF on a virtual thread, sending what it reads. */
  void pumpSocket() {
    Thread.ofVirtual().name("ferry-relay-pump").start(() -> {
      byte[] buffer = new byte[READ_BYTES];
      try (ChunkEncoder encoder = new ChunkEncoder()) {
        InputStream in = socket.getInputStream();
        int n;
        while ((n = in.read(buffer)) > 0) {
          EncodedChunk chunk = encoder.encode(buffer, n, level);
          RelayData.Builder data = RelayData.newBuilder().setRawLength(n).setCompression(FrameMapper.toProto(chunk.codec()));
          if (chunk.dataLength() > 0) {
            data.setData(UnsafeByteOperations.unsafeWrap(chunk.data(), 0, chunk.dataLength()));
          }
          send(RelayFrame.newBuilder().setData(data).build());
          bytesIn.addAndGet(n);
        }
        send(RelayFrame.newBuilder().setHalfClose(true).build());
        finishDirection(true);
      } catch (IOException | InterruptedException e) {
        fail(e);
      }
    });
  }

  /** One frame from the peer: write it to the socket, then ask for the next. */
  void onFrame(RelayFrame frame) {
    try {
      switch (frame.getFrameCase()) {
        case DATA -> {
          byte[] raw = decode(frame.getData());
          OutputStream os = socket.getOutputStream();
          os.write(raw);
          os.flush();
          bytesOut.addAndGet(raw.length);
        }
        case HALF_CLOSE -> {
          socket.shutdownOutput();
          finishDirection(false);
          return;
        }
        case OPEN, FRAME_NOT_SET -> throw new IOException("unexpected relay frame " + frame.getFrameCase());
      }
      out.request(1);
    } catch (IOException e) {
      fail(e);
    }
  }

  private static byte[] decode(RelayData data) throws IOException {
    return switch (data.getCompression()) {
      case COMPRESSION_NONE -> data.getData().toByteArray();
      case COMPRESSION_ZERO -> new byte[data.getRawLength()];
      case COMPRESSION_ZSTD -> {
        byte[] raw = Zstd.decompress(data.getData().toByteArray(), data.getRawLength());
        if (raw.length != data.getRawLength()) {
          throw new IOException("relay frame decompressed to " + raw.length + " bytes, expected " + data.getRawLength());
        }
        yield raw;
      }
      default -> throw new IOException("unknown relay compression " + data.getCompression());
    };
  }

  private void send(RelayFrame frame) throws InterruptedException {
    lock.lock();
    try {
      while (!out.isReady() && !closed) {
        ready.await();
      }
      if (closed) {
        throw new InterruptedException("relay closed");
      }
      out.onNext(frame);
      wireBytes.addAndGet(frame.getSerializedSize());
    } finally {
      lock.unlock();
    }
  }

  private void finishDirection(boolean upstream) {
    boolean both;
    lock.lock();
    try {
      if (upstream) {
        upstreamDone = true;
      } else {
        downstreamDone = true;
      }
      both = upstreamDone && downstreamDone && !closed;
      if (both) {
        closed = true;
        out.onCompleted();
      }
    } finally {
      lock.unlock();
    }
    if (both) {
      closeSocket();
    }
  }

  /** The peer or the socket failed: drop both sides. */
  void fail(Throwable t) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      ready.signalAll();
      try {
        out.onError(GrpcErrors.toStatus(new dev.ferry.transfer.TransferException(
            dev.ferry.transfer.FailureReason.TRANSFER_FAILED, "page relay broke: " + t.getMessage(), true, t)));
      } catch (RuntimeException alreadyClosed) {
        log.debug("relay call already closed", alreadyClosed);
      }
    } finally {
      lock.unlock();
    }
    closeSocket();
  }

  /** The call ended from the other side (cancelled or completed early). */
  void peerGone() {
    lock.lock();
    try {
      closed = true;
      ready.signalAll();
    } finally {
      lock.unlock();
    }
    closeSocket();
  }

  void signalReady() {
    lock.lock();
    try {
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
