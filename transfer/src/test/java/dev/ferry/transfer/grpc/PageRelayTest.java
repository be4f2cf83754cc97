package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.RelayAdmission;
import dev.ferry.transfer.RelayRequest;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import dev.ferry.transfer.testing.Timing;
import dev.ferry.transfer.testing.TreeFixtures;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The page relay with plain sockets standing in for CRIU on both ends (real CRIU: node-agent's PageRelayIT). */
class PageRelayTest {
  @TempDir Path tmp;
  private Server server;
  private ManagedChannel channel;

  private void startAgent(RelayAdmission relayAdmission) throws Exception {
    String name = InProcessServerBuilder.generateName();
    Receiver receiver = new Receiver((m, t, s, d) -> {
      throw TransferException.denied("no trees here");
    }, ReceiverOptions.defaults(), Ticker.SYSTEM);
    server = InProcessServerBuilder.forName(name).addService(new TransferService(receiver, relayAdmission)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Reads everything, acknowledges every MiB, and answers with the SHA-256 of what it got. */
  private static CompletableFuture<byte[]> fakePageServer(ServerSocket listener) {
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (Socket s = listener.accept()) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        InputStream in = s.getInputStream();
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] buf = new byte[1 << 16];
        long total = 0;
        long nextAck = 1 << 20;
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
          total += n;
          if (total >= nextAck) {
            out.writeLong(total);
            nextAck += 1 << 20;
          }
        }
        byte[] digest = sha.digest();
        out.writeLong(-1);
        out.write(digest);
        out.flush();
        received.complete(digest);
      } catch (Exception e) {
        received.completeExceptionally(e);
      }
    });
    return received;
  }

  @ParameterizedTest(name = "compression {0}")
  @ValueSource(ints = {0, -1})
  void relaysBothDirectionsAndHalfCloses(int level) throws Exception {
    Path pages = tmp.resolve("pages.img");
    TreeFixtures.mixedPages(pages, 24 << 20, 5);
    byte[] data = Files.readAllBytes(pages);
    try (ServerSocket pageServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = pageServer.getLocalPort();
      startAgent((m, t, s, p) -> {
        if (p != port) {
          throw TransferException.denied("port " + p + " is not this migration's page server");
        }
      });
      CompletableFuture<byte[]> serverSaw = fakePageServer(pageServer);
      try (PageRelay relay = PageRelay.open(channel, new RelayRequest("m1", "t", "node-a", port, level == 0 ? null : level));
          Socket criu = new Socket(InetAddress.getLoopbackAddress(), relay.localPort())) {
        CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> readAll(criu));
        OutputStream out = criu.getOutputStream();
        for (int off = 0; off < data.length; off += 65536) {
          out.write(data, off, Math.min(65536, data.length - off));
        }
        criu.shutdownOutput();

        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
        assertThat(serverSaw.get(Timing.seconds(30).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(expected);
        DataInputStream answer = new DataInputStream(new java.io.ByteArrayInputStream(reply.get(30, TimeUnit.SECONDS)));
        int acks = 0;
        while (answer.readLong() != -1) {
          acks++;
        }
        assertThat(acks).isEqualTo(24);
        assertThat(answer.readAllBytes()).isEqualTo(expected);
        assertThat(relay.bytesFromCriu()).isEqualTo(data.length);
        if (level != 0) {
          assertThat(relay.wireBytesSent()).isLessThan(data.length * 3L / 4);
        }
      }
    }
  }

  @Test
  void refusesAPortTheTargetDidNotAnnounce() throws Exception {
    AtomicInteger reachedPageServer = new AtomicInteger();
    try (ServerSocket otherService = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = otherService.accept()) {
          reachedPageServer.incrementAndGet();
        } catch (Exception ignored) {
          // closed by the test
        }
      });
      startAgent(RelayAdmission.none());
      try (PageRelay relay = PageRelay.open(channel, new RelayRequest("m1", "t", "node-a", otherService.getLocalPort(), null));
          Socket criu = new Socket(InetAddress.getLoopbackAddress(), relay.localPort())) {
        criu.getOutputStream().write(new byte[1000]);
        criu.setSoTimeout((int) Timing.seconds(10).toMillis());
        // The relay drops the connection: CRIU sees EOF, and nothing reached the other service.
        assertThat(criu.getInputStream().read()).isEqualTo(-1);
        assertThat(reachedPageServer.get()).isZero();
      }
    }
  }

  private static byte[] readAll(Socket s) {
    try {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      s.getInputStream().transferTo(all);
      return all.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
