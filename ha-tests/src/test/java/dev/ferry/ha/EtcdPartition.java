package dev.ferry.ha;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one coordinator off etcd and nothing else: DROP rules in DOCKER-USER (bridged traffic
 * passes the FORWARD chain here, bridge-nf-call-iptables) between its address and every member's,
 * both ways. It still reaches the agents, so only fencing can keep a deposed leader from acting.
 */
final class EtcdPartition implements AutoCloseable {
  private final ProcessRunner runner;
  private final List<List<String>> rules = new ArrayList<>();

  private EtcdPartition(ProcessRunner runner) {
    this.runner = runner;
  }

  static EtcdPartition cut(ProcessRunner runner, ControlPlane plane, int coordinator) {
    EtcdPartition p = new EtcdPartition(runner);
    String c = plane.coordinatorIp(coordinator);
    for (int i = 1; i <= plane.members(); i++) {
      String e = plane.etcdIp(i);
      p.add(List.of("-s", c, "-d", e, "-j", "DROP"));
      p.add(List.of("-s", e, "-d", c, "-j", "DROP"));
    }
    return p;
  }

  private void add(List<String> rule) {
    List<String> argv = new ArrayList<>(List.of("iptables", "-I", "DOCKER-USER"));
    argv.addAll(rule);
    runner.runChecked(ProcessSpec.of(argv));
    rules.add(rule);
  }

  /** Heals: removes exactly the rules it added. */
  @Override
  public void close() {
    for (List<String> rule : rules) {
      List<String> argv = new ArrayList<>(List.of("iptables", "-D", "DOCKER-USER"));
      argv.addAll(rule);
      runner.run(ProcessSpec.of(argv));
    }
    rules.clear();
  }
}
