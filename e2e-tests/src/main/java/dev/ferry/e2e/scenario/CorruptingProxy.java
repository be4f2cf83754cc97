package dev.ferry.e2e.scenario;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between two agents that flips one byte of one large HTTP/2 DATA frame going
 * towards the target, once, after {@code skipBytes}: a chunk corrupted in transit, which only
 * the receiver's checksums can catch. It parses HTTP/2 frame headers (plaintext h2c, as the
 * test cluster runs) so the flip lands inside a gRPC message, not in the framing.
 */
public final class CorruptingProxy implements AutoCloseable {
  private static final int PREFACE = 24;
  private static final int DATA = 0;

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final long skipBytes;
  private final AtomicLong seen = new AtomicLong();
  private final AtomicBoolean flipped = new AtomicBoolean();

  public CorruptingProxy(String listenHost, int listenPort, InetSocketAddress upstream, long skipBytes) throws IOException {
    this.server = new ServerSocket(listenPort, 50, InetAddress.getByName(listenHost));
    this.upstream = upstream;
    this.skipBytes = skipBytes;
    Thread.ofVirtual().name("corrupting-proxy").start(this::accept);
  }

  public boolean flipped() {
    return flipped.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket(upstream.getAddress(), upstream.getPort());
        Thread.ofVirtual().start(() -> forwardFrames(in, out));
        Thread.ofVirtual().start(() -> copy(out, in));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Client to server: preface, then frames, one of which may get a flipped byte. */
  private void forwardFrames(Socket in, Socket out) {
    try (in; out) {
      DataInputStream src = new DataInputStream(in.getInputStream());
      OutputStream dst = out.getOutputStream();
      byte[] preface = new byte[PREFACE];
      src.readFully(preface);
      dst.write(preface);
      byte[] header = new byte[9];
      while (true) {
        src.readFully(header);
        int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        byte[] payload = new byte[length];
        src.readFully(payload);
        if (header[3] == DATA && length >= 8192 && seen.addAndGet(length) > skipBytes && flipped.compareAndSet(false, true)) {
          payload[length / 2] ^= 0x5a;
        }
        dst.write(header);
        dst.write(payload);
        dst.flush();
      }
    } catch (IOException e) {
      // Either side closed.
    }
  }

  private static void copy(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      in.transferTo(out);
    } catch (IOException e) {
      // Either side closed.
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException ignored) {
        // Closing.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
