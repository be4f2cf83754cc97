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
 * A TCP proxy between two agents that flips one byte of one large TLS application-data record
 * going towards the target, once, after {@code skipBytes}: a chunk corrupted in transit. It
 * parses TLS record headers (the test cluster runs mutual TLS) so the flip lands inside
 * encrypted data, not in the framing; TLS's record MAC then refuses it, the connection breaks,
 * and the transfer must resume or fail cleanly (the receiver's checksums are the second line).
 */
public final class CorruptingProxy implements AutoCloseable {
  private static final int APPLICATION_DATA = 23;

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

  /** Client to server: TLS records, one of which may get a flipped byte. */
  private void forwardFrames(Socket in, Socket out) {
    try (in; out) {
      DataInputStream src = new DataInputStream(in.getInputStream());
      OutputStream dst = out.getOutputStream();
      byte[] header = new byte[5];
      while (true) {
        src.readFully(header);
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        byte[] payload = new byte[length];
        src.readFully(payload);
        if (header[0] == APPLICATION_DATA && length >= 8192 && seen.addAndGet(length) > skipBytes
            && flipped.compareAndSet(false, true)) {
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
