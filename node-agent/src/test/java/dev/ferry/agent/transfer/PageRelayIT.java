package dev.ferry.agent.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.testkit.Timing;
import dev.ferry.transfer.RelayRequest;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.grpc.PageRelay;
import dev.ferry.transfer.grpc.TransferService;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real CRIU through the page relay: {@code criu dump --page-server} on the "source" talks to the
 * relay's loopback port, the pages cross a RelayPages call, the "target" {@code criu page-server}
 * writes them, and {@code criu restore} from the target's directory brings the process back.
 */
class PageRelayIT {
  private final ProcessRunner runner = new SystemProcessRunner();
  private Long restoredPid;

  @TempDir Path tmp;

  @AfterEach
  void killRestored() {
    if (restoredPid != null) {
      ProcessHandle.of(restoredPid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void dumpsThroughTheRelayAndRestoresFromTheReceivedPages() throws Exception {
    Path targetImages = Files.createDirectories(tmp.resolve("target/images"));
    Path sourceImages = Files.createDirectories(tmp.resolve("source/images"));
    int pageServerPort = freePort();

    // The target agent: a Transfer service that allows relays to its own page server only.
    String name = InProcessServerBuilder.generateName();
    Receiver receiver = new Receiver((m, t, s, d) -> {
      throw TransferException.denied("no trees in this test");
    }, ReceiverOptions.defaults(), Ticker.SYSTEM);
    Server agent = InProcessServerBuilder.forName(name).addService(new TransferService(receiver, (m, t, s, port) -> {
      if (!m.equals("m1") || !t.equals("tok") || port != pageServerPort) {
        throw TransferException.denied("relay to port " + port + " not announced");
      }
    })).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();

    try (RunningProcess pageServer = runner.start(ProcessSpec.of("criu", "page-server", "--images-dir", targetImages.toString(),
            "--port", Integer.toString(pageServerPort), "-o", tmp.resolve("page-server.log").toString(), "-v4")
            .withTimeout(Timing.seconds(120)));
        RunningProcess victim = runner.start(ProcessSpec.of("setsid", "sleep", "1000")
            .withStdoutFile(tmp.resolve("victim.log")).withTimeout(Timing.seconds(300)));
        PageRelay relay = PageRelay.open(channel, new RelayRequest("m1", "tok", "node-a", pageServerPort, -1))) {
      awaitListening(pageServerPort);
      long pid = victim.pid();

      ProcessResult dump = runner.run(ProcessSpec.of("criu", "dump", "-t", Long.toString(pid),
              "--images-dir", sourceImages.toString(), "--page-server", "--address", "127.0.0.1",
              "--port", Integer.toString(relay.localPort()), "--shell-job",
              "-o", tmp.resolve("dump.log").toString(), "-v4")
          .withTimeout(Timing.seconds(60)));
      assertThat(dump.succeeded()).as("criu dump: %s\n%s", dump.stderrTail(20), tail(tmp.resolve("dump.log"))).isTrue();
      Optional<ProcessResult> serverExit = pageServer.await(Timing.seconds(30));
      assertThat(serverExit).as("the page server ends with the dump's connection").isPresent();

      // The pages crossed the relay and landed on the target; nothing but metadata stayed local.
      try (var listing = Files.list(targetImages)) {
        assertThat(listing.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("pages-"));
      }
      try (var listing = Files.list(sourceImages)) {
        assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("pages-"));
      }
      assertThat(relay.bytesFromCriu()).isPositive();
      System.out.printf("page relay: %d bytes from criu dump, %d bytes on the wire, %d bytes back%n",
          relay.bytesFromCriu(), relay.wireBytesSent(), relay.bytesToCriu());

      // The rest of the images would travel by TreeSender; here a copy joins them.
      try (var listing = Files.list(sourceImages)) {
        for (Path p : listing.toList()) {
          Files.copy(p, targetImages.resolve(p.getFileName()));
        }
      }
      ProcessResult restore = runner.run(ProcessSpec.of("criu", "restore", "--images-dir", targetImages.toString(),
          "--shell-job", "-d", "-o", tmp.resolve("restore.log").toString(), "-v4").withTimeout(Timing.seconds(60)));
      restoredPid = pid;
      assertThat(restore.succeeded()).as("criu restore: %s\n%s", restore.stderrTail(20), tail(tmp.resolve("restore.log"))).isTrue();
      assertThat(ProcessHandle.of(pid)).as("restored process %d", pid).isPresent();
      assertThat(ProcessHandle.of(pid).orElseThrow().isAlive()).isTrue();
      assertThat(Files.readString(Path.of("/proc/" + pid + "/cmdline"))).startsWith("sleep");
    } finally {
      channel.shutdownNow();
      agent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Timing.seconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        // A probing connect would be taken for the dump's session; read the listening sockets instead.
        if (Files.readString(Path.of("/proc/net/tcp")).contains(":%04X 00000000:0000 0A".formatted(port))) {
          return;
        }
      } catch (IOException e) {
        // retry
      }
      Thread.sleep(20);
    }
    throw new AssertionError("criu page-server did not listen on port " + port);
  }

  private static String tail(Path log) {
    try {
      var lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
