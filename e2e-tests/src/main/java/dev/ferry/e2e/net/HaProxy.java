package dev.ferry.e2e.net;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * A real HAProxy (Debian's) in the root namespace in front of container backends. Its
 * configuration is written once, before the load starts, and never touched again: a backend that
 * migrates must keep answering on the address HAProxy was given.
 */
public final class HaProxy implements AutoCloseable {
  /** A backend server: a name and the address:port HAProxy sends to. */
  public record Backend(String name, String address, int port) {}

  private final Path config;
  private final RunningProcess process;
  private final String listen;

  private HaProxy(Path config, RunningProcess process, String listen) {
    this.config = config;
    this.process = process;
    this.listen = listen;
  }

  /** Writes the configuration to {@code dir} and starts HAProxy in the foreground, listening on {@code host:port}. */
  public static HaProxy start(ProcessRunner runner, Path dir, String host, int port, List<Backend> backends) {
    try {
      Files.createDirectories(dir);
      Path cfg = dir.resolve("haproxy.cfg");
      Files.writeString(cfg, config(host, port, backends));
      runner.runChecked(ProcessSpec.of("haproxy", "-c", "-q", "-f", cfg.toString()));
      RunningProcess p = runner.start(ProcessSpec.of("haproxy", "-db", "-f", cfg.toString())
          .withStdoutFile(dir.resolve("haproxy.log")).withTimeout(Duration.ofHours(1)));
      return new HaProxy(cfg, p, host + ":" + port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the HAProxy configuration in " + dir, e);
    }
  }

  /**
   * Short connect timeout with retries that may go to another server (redispatch on every
   * retry), and retries on any error a GET can safely be repeated after: a backend frozen for its
   * dump costs a retry, not a failed request. Health checks take a server out only after 3 s.
   */
  static String config(String host, int port, List<Backend> backends) {
    StringBuilder b = new StringBuilder("""
        global
          maxconn 2000

        defaults
          mode http
          retries 3
          option redispatch 1
          retry-on all-retryable-errors
          timeout connect 500ms
          timeout client 30s
          timeout server 5s
          timeout queue 10s

        frontend web
          bind %s:%d
          default_backend containers

        backend containers
          balance roundrobin
          option httpchk GET /
        """.formatted(host, port));
    for (Backend s : backends) {
      b.append("  server ").append(s.name()).append(' ').append(s.address()).append(':').append(s.port())
          .append(" check inter 1s fall 3 rise 2\n");
    }
    return b.toString();
  }

  public String url() {
    return "http://" + listen + "/";
  }

  public Path config() {
    return config;
  }

  /** SHA-256 of the configuration file as it is on disk now. */
  public String configHash() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(config)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
