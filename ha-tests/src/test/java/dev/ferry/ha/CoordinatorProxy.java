package dev.ferry.ha;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What agents register through when there are several coordinators: a TCP load balancer (Debian's
 * HAProxy) in front of all of them. Any coordinator accepts registrations (they go straight to
 * etcd), so when one dies the agents' next connection simply lands on a live one.
 */
final class CoordinatorProxy implements AutoCloseable {
  private final RunningProcess process;
  private final String address;

  private CoordinatorProxy(RunningProcess process, String address) {
    this.process = process;
    this.address = address;
  }

  static CoordinatorProxy start(ProcessRunner runner, Path dir, String host, int port, List<String> coordinators) {
    StringBuilder cfg = new StringBuilder("""
        global
          maxconn 1000
        defaults
          mode tcp
          option redispatch
          retries 3
          timeout connect 500ms
          timeout client 1h
          timeout server 1h
          timeout check 1s
        frontend coordinators
          bind %s:%d
          default_backend coordinators
        backend coordinators
          balance first
        """.formatted(host, port));
    for (int i = 0; i < coordinators.size(); i++) {
      // The check completes a TLS handshake: a frozen coordinator (paused, a long GC) still accepts TCP
      // connections in its kernel but answers no handshake, so it is marked down and its agents'
      // sessions are cut; they reconnect to a live one instead of waiting on the frozen one forever.
      cfg.append("  server c").append(i + 1).append(' ').append(coordinators.get(i))
          .append(" check check-ssl verify none inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions\n");
    }
    try {
      Files.createDirectories(dir);
      Path file = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
      runner.runChecked(ProcessSpec.of("haproxy", "-c", "-q", "-f", file.toString()));
      RunningProcess p = runner.start(ProcessSpec.of("haproxy", "-db", "-f", file.toString())
          .withStdoutFile(dir.resolve("haproxy.log")).withTimeout(Duration.ofHours(1)));
      return new CoordinatorProxy(p, host + ":" + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String address() {
    return address;
  }

  @Override
  public void close() {
    process.close();
  }
}
