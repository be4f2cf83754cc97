package dev.ferry.ha;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.util.List;

/**
 * Silently drops what one address sends to another (one way, DOCKER-USER, as {@link EtcdPartition}):
 * a request already written to an open connection waits in the sender's kernel, retransmitted, and
 * arrives late once healed. That is how a command gets delivered after its sender lost its lease.
 */
final class Blackhole implements AutoCloseable {
  private final ProcessRunner runner;
  private final List<String> rule;
  private boolean open = true;

  private Blackhole(ProcessRunner runner, List<String> rule) {
    this.runner = runner;
    this.rule = rule;
  }

  static Blackhole drop(ProcessRunner runner, String fromIp, String toIp) {
    List<String> rule = List.of("-s", fromIp, "-d", toIp, "-j", "DROP");
    runner.runChecked(ProcessSpec.of(argv("-I", rule)));
    return new Blackhole(runner, rule);
  }

  private static List<String> argv(String op, List<String> rule) {
    var argv = new java.util.ArrayList<>(List.of("iptables", op, "DOCKER-USER"));
    argv.addAll(rule);
    return argv;
  }

  /** Heals: removes exactly the rule it added (idempotent). */
  @Override
  public void close() {
    if (open) {
      runner.run(ProcessSpec.of(argv("-D", rule)));
      open = false;
    }
  }
}
