package dev.ferry.agent.network;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers' network namespaces on this node: one named namespace per container
 * ({@code /run/netns/ferry-BRIDGE-NODE-ID}: the bridge keeps two clusters sharing a host apart; handed to crun by path), its {@code eth0} holding the
 * container's address and a MAC derived from it, a veth to the node's bridge. A namespace is
 * silent (host side of the veth down) while the container is frozen or not yet restored, so
 * two nodes never answer for one address; it is announced (veth up, gratuitous ARP, the
 * operator's hook for routed fabrics) once the container runs.
 */
public final class ContainerNetworks {
  private static final Logger log = LoggerFactory.getLogger(ContainerNetworks.class);

  /** How long the application gets to accept what its listen queues hold before the freeze. */
  private static final Duration ACCEPT_GRACE = Duration.ofMillis(250);

  private final ContainerNetworkConfig config;
  private final String node;
  private final ProcessRunner runner;
  private final Path busybox;
  private final Path scratch;

  public ContainerNetworks(ContainerNetworkConfig config, String node, ProcessRunner runner, Path busybox, Path scratch) {
    this.config = config;
    this.node = node;
    this.runner = runner;
    this.busybox = busybox;
    this.scratch = scratch;
  }

  public ContainerNetworkConfig config() {
    return config;
  }

  /** Creates the node's bridge if the operator has not (it then reaches only this node's containers). */
  public ContainerNetworks ensureBridge() {
    if (!runner.run(ProcessSpec.of("ip", "link", "show", config.bridge())).succeeded()) {
      ip("link", "add", config.bridge(), "type", "bridge");
      log.info("created bridge {} for the container network {} (enslave the node's uplink to it)", config.bridge(), config.network());
    }
    ip("link", "set", config.bridge(), "mtu", Integer.toString(config.mtu()), "up");
    return this;
  }

  public Path namespacePath(ContainerId id) {
    return Path.of("/run/netns", namespace(id));
  }

  /**
   * Builds the container's namespace from scratch (a leftover of an earlier attempt is
   * removed first). {@code silent}: the host side stays down until {@link #announce}.
   */
  public Path attach(ContainerId id, Attachment a, boolean silent) {
    long start = System.nanoTime();
    detach(id);
    String ns = namespace(id);
    String peer = "fp" + hash(id);
    ip("netns", "add", ns);
    String mtu = Integer.toString(config.mtu());
    batch(null, List.of(
        "link add " + hostVethName(id) + " mtu " + mtu + " type veth peer name " + peer + " mtu " + mtu,
        "link set " + peer + " netns " + ns,
        "link set " + hostVethName(id) + " master " + config.bridge() + (silent ? " down" : " up")));
    batch(ns, List.of(
        "link set " + peer + " name eth0 address " + a.mac(),
        "addr add " + a.cidr() + " dev eth0",
        "link set lo up",
        "link set eth0 up",
        "route add default via " + gateway()));
    log.info("network namespace {} of container {} ({}, {}) built in {} ms", ns, id, a.cidr(), silent ? "silent" : "live",
        (System.nanoTime() - start) / 1_000_000);
    return namespacePath(id);
  }

  /**
   * From just before the freeze, new connections wait: their SYNs are dropped in the container's
   * namespace, so clients retry them (and reach the target, or the source after a rollback).
   * Without this, the kernel keeps completing handshakes for the frozen application; CRIU cannot
   * carry such not-yet-accepted connections (skip-in-flight) and their clients wait for an
   * answer that never comes. Established connections are untouched. Best effort: a migration
   * that cannot hold them is no worse than before.
   */
  public void holdNewConnections(ContainerId id) {
    ProcessResult r = runner.run(newConnectionRule(id, "-I"));
    if (!r.succeeded()) {
      log.warn("cannot hold new connections to container {} during its dump (they may be accepted and lost): exit {}: {}",
          id, r.exitCode(), r.stderrTail(2).strip());
      return;
    }
    awaitAccepted(id);
  }

  /**
   * Connections the kernel completed just before the hold still wait in listen queues: the
   * application, still running, gets a moment to accept them, after which the dump carries
   * them as established connections.
   */
  private void awaitAccepted(ContainerId id) {
    long start = System.nanoTime();
    ProcessSpec sockets = inNamespace(id, "ss", "-Htan");
    int waiting;
    do {
      ProcessResult r = runner.run(sockets);
      if (!r.succeeded()) {
        return;
      }
      waiting = ListenQueues.waiting(r.stdout());
      if (waiting == 0) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    } while (System.nanoTime() - start < ACCEPT_GRACE.toNanos());
    log.warn("container {} left {} connection(s) unaccepted for {} ms after new ones were held: the dump leaves them behind",
        id, waiting, ACCEPT_GRACE.toMillis());
  }

  /** New connections reach the container again (a rollback). Idempotent: removes every copy of the rule. */
  public void admitNewConnections(ContainerId id) {
    if (!Files.exists(namespacePath(id))) {
      return;
    }
    int removed = 0;
    while (removed < 8 && runner.run(newConnectionRule(id, "-D")).succeeded()) {
      removed++;
    }
    if (removed > 0) {
      log.debug("new connections to container {} admitted again", id);
    }
  }

  private ProcessSpec newConnectionRule(ContainerId id, String op) {
    return inNamespace(id, "iptables", "-w", op, "INPUT", "-p", "tcp", "--syn",
        "-m", "comment", "--comment", "ferry: held during the dump", "-j", "DROP");
  }

  /** {@code argv} run inside the container's network namespace. */
  private ProcessSpec inNamespace(ContainerId id, String... argv) {
    List<String> all = new ArrayList<>(List.of("nsenter", "--net=" + namespacePath(id)));
    all.addAll(List.of(argv));
    return ProcessSpec.of(all);
  }

  /** Stops the namespace from answering: the container is frozen, dumped, or runs elsewhere now. */
  public void silence(ContainerId id, Attachment a) {
    runner.run(ProcessSpec.of("ip", "link", "set", hostVethName(id), "down"));
    ProcessResult r = hook("withdraw", id, a);
    if (r != null && !r.succeeded()) { // the address is silent here anyway; the next announce moves the route
      log.warn("withdraw hook for {} of container {} failed with exit {}: {}", a.address(), id, r.exitCode(), r.stderrTail(3).strip());
    }
  }

  /** The address lives here now: veth up, neighbours and switches told, the routed fabric's hook run. */
  public void announce(ContainerId id, Attachment a) {
    ip("link", "set", hostVethName(id), "up");
    ProcessResult arp = runner.run(inNamespace(id, busybox.toString(),
        "arping", "-U", "-c", "1", "-I", "eth0", "-s", a.address(), a.address()));
    if (!arp.succeeded()) {
      log.warn("gratuitous ARP for {} of container {} failed (neighbours learn it on their next ARP): {}",
          a.address(), id, arp.stderrTail(2).strip());
    }
    ProcessResult r = hook("announce", id, a);
    if (r != null && !r.succeeded()) { // unreachable where it runs: the migration must not commit
      throw new AgentException(FailureReason.NETWORK_SETUP_FAILED, "announce hook for " + a.address() + " of container '" + id
          + "' failed with exit " + r.exitCode() + ": " + r.stderrTail(3).strip());
    }
  }

  /** Removes the namespace (its veth pair goes with it). Idempotent. */
  public void detach(ContainerId id) {
    if (Files.exists(namespacePath(id))) {
      runner.run(ProcessSpec.of("ip", "netns", "del", namespace(id)));
    }
    runner.run(ProcessSpec.of("ip", "link", "del", hostVethName(id))); // a veth left by a crash between add and move
  }

  String namespace(ContainerId id) {
    return "ferry-" + config.bridge() + "-" + node + "-" + id.value();
  }

  /** Interface names are limited to 15 characters: a hash of bridge, node and container names. */
  public String hostVethName(ContainerId id) {
    return "fv" + hash(id);
  }

  private String hash(ContainerId id) {
    CRC32 crc = new CRC32();
    crc.update((config.bridge() + "/" + node + "/" + id.value()).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }

  /** The network's first host address: where a gateway (or the node) routes for the containers. */
  private String gateway() {
    String[] parts = config.network().split("/");
    String[] o = parts[0].split("\\.");
    return o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) + 1);
  }

  /** Runs the operator's hook for routed fabrics; null when there is none. */
  private ProcessResult hook(String action, ContainerId id, Attachment a) {
    if (config.announceHook() == null) {
      return null;
    }
    return runner.run(ProcessSpec.of("sh", "-c", config.announceHook()).withEnv(Map.of(
        "FERRY_ACTION", action, "FERRY_ADDRESS", a.address(), "FERRY_PREFIX", Integer.toString(a.prefixLength()),
        "FERRY_CONTAINER", id.value(), "FERRY_NODE", node, "FERRY_NETNS", namespacePath(id).toString())));
  }

  /** Several {@code ip} commands in one process (a restore waits for them), in {@code ns} or this namespace. */
  private void batch(String ns, List<String> commands) {
    try {
      Files.createDirectories(scratch);
      Path file = Files.createTempFile(scratch, "ip-", ".batch");
      try {
        Files.write(file, commands);
        List<String> argv = new ArrayList<>(List.of("ip"));
        if (ns != null) {
          argv.addAll(List.of("-n", ns));
        }
        argv.addAll(List.of("-batch", file.toString()));
        check(runner.run(ProcessSpec.of(argv)), String.join("; ", commands));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    check(runner.run(ProcessSpec.of(argv)), String.join(" ", args));
  }

  private static void check(ProcessResult r, String what) {
    if (!r.succeeded()) {
      throw new AgentException(FailureReason.NETWORK_SETUP_FAILED, "ip " + what + " failed with exit " + r.exitCode()
          + ": " + r.stderrTail(3).strip());
    }
  }
}
