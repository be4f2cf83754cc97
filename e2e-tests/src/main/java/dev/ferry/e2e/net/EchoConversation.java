package dev.ferry.e2e.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One TCP connection a client holds open to an echo server: a numbered line every interval,
 * each echo read back and checked, so a reset, an end of stream, a lost or reordered message,
 * and the longest silence between two echoes are all measured on the very same connection.
 */
public final class EchoConversation implements AutoCloseable {
  /** What the client saw: {@code failure} is empty when every echo came back in order on the one connection. */
  public record Report(long sent, long echoed, Duration largestGap, long gapEndedAtNanos, String failure) {
    public boolean intact() {
      return failure.isEmpty() && sent == echoed;
    }
  }

  private final Socket socket;
  private final Duration interval;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong echoed = new AtomicLong();
  private final AtomicLong largestGapNanos = new AtomicLong();
  private final AtomicLong gapEndedAt = new AtomicLong();
  private final AtomicReference<String> failure = new AtomicReference<>("");
  private volatile boolean sending = true;
  private final Thread writer;
  private final Thread reader;

  private EchoConversation(Socket socket, Duration interval) {
    this.socket = socket;
    this.interval = interval;
    this.reader = Thread.ofVirtual().name("echo-reader").start(this::read);
    this.writer = Thread.ofVirtual().name("echo-writer").start(this::write);
  }

  /** Connects (within {@code connectTimeout}) and starts talking. */
  public static EchoConversation open(String host, int port, Duration interval, Duration connectTimeout) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
    return new EchoConversation(s, interval);
  }

  private void write() {
    try {
      OutputStream out = socket.getOutputStream();
      while (sending && failure.get().isEmpty()) {
        out.write(("msg " + sent.get() + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        sent.incrementAndGet();
        Thread.sleep(interval);
      }
    } catch (IOException e) {
      fail("write failed after " + sent.get() + " messages: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read() {
    try {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      long last = System.nanoTime();
      for (String line; (line = in.readLine()) != null; ) {
        long now = System.nanoTime();
        String expected = "msg " + echoed.get();
        if (!line.equals(expected)) {
          fail("expected echo '" + expected + "', got '" + line + "'");
          return;
        }
        if (now - last > largestGapNanos.get()) {
          largestGapNanos.set(now - last);
          gapEndedAt.set(now);
        }
        last = now;
        echoed.incrementAndGet();
      }
      if (!socket.isClosed()) {
        fail("end of stream after " + echoed.get() + " echoes (the server closed the connection)");
      }
    } catch (IOException e) {
      if (!socket.isClosed()) {
        fail("read failed after " + echoed.get() + " echoes: " + e);
      }
    }
  }

  private void fail(String why) {
    failure.compareAndSet("", why);
  }

  public long echoed() {
    return echoed.get();
  }

  /** A snapshot while still talking. */
  public Report report() {
    return new Report(sent.get(), echoed.get(), Duration.ofNanos(largestGapNanos.get()), gapEndedAt.get(), failure.get());
  }

  /** Stops sending, waits up to {@code drain} for the outstanding echoes, and reports. */
  public Report finish(Duration drain) throws InterruptedException {
    sending = false;
    writer.join();
    long deadline = System.nanoTime() + drain.toNanos();
    while (echoed.get() < sent.get() && failure.get().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return report();
  }

  @Override
  public void close() throws IOException {
    sending = false;
    socket.close();
  }
}
