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
import java.util.regex.Pattern;

/**
 * A real HAProxy (Debian's) in the root namespace in front of container backends. Its
 * configuration is written once, before the load starts, and never touched again: a backend that
 * migrates must keep answering on the address HAProxy was given.
 */
public final class HaProxy implements AutoCloseable {
  /** A backend server: a name and the address:port HAProxy sends to. */
  public record Backend(String name, String address, int port) {}

  private final Path config;
  private final Path log;
  private final RunningProcess process;
  private final String listen;

  private HaProxy(Path config, Path log, RunningProcess process, String listen) {
    this.config = config;
    this.log = log;
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
      Path log = dir.resolve("haproxy.log");
      RunningProcess p = runner.start(ProcessSpec.of("haproxy", "-db", "-f", cfg.toString())
          .withStdoutFile(log).withTimeout(Duration.ofHours(1)));
      return new HaProxy(cfg, log, p, host + ":" + port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the HAProxy configuration in " + dir, e);
    }
  }

  /**
   * Short connect timeout with retries that may go to another server (redispatch on every
   * retry), and retries on any error a GET can safely be repeated after: a backend frozen for its
   * dump costs a retry, not a failed request. One failed connection marks a server down at once
   * (observe layer4, on-error mark-down): with half the servers frozen at the same moment, waiting for
   * three failed health checks (3 s) let round-robin send a request's four attempts to frozen servers
   * and fail it (seen in CI: 503 after +3 retries). Health checks bring the server back (rise 2).
   */
  static String config(String host, int port, List<Backend> backends) {
    StringBuilder b = new StringBuilder("""
        global
          maxconn 2000
          log stdout format raw local0 info

        defaults
          mode http
          log global
          option httplog
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
          .append(" check inter 1s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down\n");
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

  /**
   * HAProxy's log lines (httplog: server, timers Tq/Tw/Tc/Tr/Ta, status, termination state, the
   * retry count last) of requests that did not end in a 200, were retried, or took over a second:
   * what a slow or failed request went through.
   */
  public List<String> troubledRequestLog() {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains(" web containers/")).filter(HaProxy::troubled).toList();
    } catch (IOException e) {
      return List.of("cannot read " + log + ": " + e.getMessage());
    }
  }

  private static final Pattern HTTPLOG = Pattern.compile(
      " (-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/(\\d+) (-?\\d+) .* \\d+/\\d+/\\d+/\\d+/\\+?(\\d+) ");

  private static boolean troubled(String line) {
    var m = HTTPLOG.matcher(line);
    return !m.find() || !m.group(6).equals("200") || Long.parseLong(m.group(5)) > 1000 || !m.group(7).equals("0");
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
