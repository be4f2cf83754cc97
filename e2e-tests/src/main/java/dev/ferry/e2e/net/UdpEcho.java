package dev.ferry.e2e.net;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Datagrams to a UDP echo server: does it answer, and how many tries did that take (datagrams may be lost in a move). */
public final class UdpEcho {
  private UdpEcho() {}

  /** The first round trip that came back intact within {@code timeout}, sending a new datagram every {@code retry}. */
  public static Optional<Duration> roundTrip(String host, int port, Duration retry, Duration timeout) throws IOException {
    long start = System.nanoTime();
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout((int) retry.toMillis());
      s.connect(new InetSocketAddress(host, port));
      for (int n = 0; System.nanoTime() - start < timeout.toNanos(); n++) {
        byte[] msg = ("udp " + n).getBytes(StandardCharsets.US_ASCII);
        long sent = System.nanoTime();
        s.send(new DatagramPacket(msg, msg.length));
        if (awaitEcho(s, new String(msg, StandardCharsets.US_ASCII))) {
          return Optional.of(Duration.ofNanos(System.nanoTime() - sent));
        }
      }
    }
    return Optional.empty();
  }

  /** Reads until the echo of {@code expected} arrives (late echoes of earlier tries are skipped) or the socket times out. */
  private static boolean awaitEcho(DatagramSocket s, String expected) throws IOException {
    byte[] buf = new byte[512];
    try {
      while (true) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        if (new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII).equals(expected)) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.net.PortUnreachableException e) {
      return false; // ICMP from a namespace where nothing listens yet: try again
    }
  }
}
