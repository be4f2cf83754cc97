package dev.ferry.coordinator.etcd;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-member etcd of our own, on free loopback ports with its own data directory: the
 * quickstart's default when no endpoint is configured, and what tests start. Stopped on close.
 */
public final class EmbeddedEtcd implements AutoCloseable {
  public static final String BINARY = "/usr/bin/etcd";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedEtcd.class);

  private final RunningProcess process;
  private final String endpoint;
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private final Optional<EtcdServerTls> tls;

  private EmbeddedEtcd(RunningProcess process, String endpoint, Path dataDir, int clientPort, int peerPort,
      Optional<EtcdServerTls> tls) {
    this.process = process;
    this.endpoint = endpoint;
    this.dataDir = dataDir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.tls = tls;
  }

  /** Starts a plaintext etcd and waits until it reports healthy, or fails with its output. */
  public static EmbeddedEtcd start(ProcessRunner runner, Path dataDir, Duration startTimeout) {
    return start(runner, dataDir, freePort(), freePort(), startTimeout, Optional.empty());
  }

  /** Starts an etcd that serves https to clients with a certificate of {@code tls.server().ca()} only. */
  public static EmbeddedEtcd start(ProcessRunner runner, Path dataDir, Duration startTimeout, EtcdServerTls tls) {
    return start(runner, dataDir, freePort(), freePort(), startTimeout, Optional.of(tls));
  }

  /**
   * Stops this etcd and starts a new one on the same data directory and ports: what an operator's
   * restart does, so clients reconnect to the same endpoint and find their data (fault tests).
   */
  public EmbeddedEtcd restart(ProcessRunner runner, Duration startTimeout) {
    close();
    return start(runner, dataDir, clientPort, peerPort, startTimeout, tls);
  }

  private static EmbeddedEtcd start(ProcessRunner runner, Path dataDir, int client, int peer, Duration startTimeout,
      Optional<EtcdServerTls> tls) {
    String clientUrl = (tls.isPresent() ? "https" : "http") + "://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create etcd data directory " + dataDir, e);
    }
    Path logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    List<String> command = new ArrayList<>(List.of(BINARY, "--name", "default", "--data-dir", dataDir.toString(),
        "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
        "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", "default=" + peerUrl, "--log-level", "warn"));
    tls.ifPresent(t -> command.addAll(t.flags()));
    ProcessSpec spec = ProcessSpec.of(command)
        .withTimeout(Duration.ofDays(365))
        .withStdoutFile(logFile);
    RunningProcess p = runner.start(spec);
    EmbeddedEtcd etcd = new EmbeddedEtcd(p, clientUrl, dataDir, client, peer, tls);
    etcd.awaitHealthy(startTimeout, logFile);
    log.info("embedded etcd pid {} serving {} from {}", p.pid(), clientUrl, dataDir);
    return etcd;
  }

  private void awaitHealthy(Duration timeout, Path logFile) {
    var builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(500));
    tls.ifPresent(t -> builder.sslContext(t.client().sslContext()));
    HttpClient http = builder.build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited during start-up: " + tail(logFile));
      }
      try {
        var r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(Duration.ofSeconds(1))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      sleep(Duration.ofMillis(50));
    }
    process.stop();
    throw new IllegalStateException("etcd at " + endpoint + " not healthy within " + timeout.toMillis() + " ms: "
        + tail(logFile));
  }

  public String endpoint() {
    return endpoint;
  }

  /** How it serves clients: https with client certificates, or (empty) plaintext. */
  public Optional<EtcdServerTls> tls() {
    return tls;
  }

  public Path dataDir() {
    return dataDir;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.stop();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
