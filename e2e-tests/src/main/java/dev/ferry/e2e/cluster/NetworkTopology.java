package dev.ferry.e2e.cluster;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Several "hosts" on one machine: a bridge in the host namespace and, per node, a network
 * namespace joined to it by a veth pair, with an address from 198.18.0.0/24 (a test range).
 * Beside it, the container network (198.18.(64+subnet).0/24): a second root bridge holding the
 * network's gateway (.1), and in every node namespace a bridge (the prefix + "nbr") with an
 * uplink to it, so the containers of all nodes share one L2 segment as in a rack, and a migrated
 * container's gratuitous ARP reaches every neighbour. Everything it creates carries its prefix,
 * so a crashed run's leftovers are removed on the next start.
 */
public final class NetworkTopology implements AutoCloseable {
  /** A node's namespace and address. */
  public record Host(String node, String namespace, String address, String hostVeth) {}

  private static final String UPLINK = "uplink0";

  private final ProcessRunner runner;
  private final String prefix;
  private final String bridge;
  private final String subnet;
  private final String containerBridge;
  private final String nodeBridge;
  private final String containerSubnet;
  private final List<Host> hosts = new ArrayList<>();

  public NetworkTopology(ProcessRunner runner, String prefix) {
    this(runner, prefix, 0);
  }

  /**
   * A topology on 198.18.{@code subnet}.0/24, so two topologies with different prefixes and
   * subnets (the demo and the test suite) can exist side by side on one machine.
   */
  public NetworkTopology(ProcessRunner runner, String prefix, int subnet) {
    if (subnet < 0 || subnet > 191) {
      throw new IllegalArgumentException("subnet must be 0..191 (hosts on 198.18.<subnet>.0/24, containers on "
          + "198.18.<64+subnet>.0/24), got " + subnet);
    }
    this.runner = runner;
    this.prefix = prefix;
    this.bridge = prefix + "br";
    this.subnet = "198.18." + subnet + ".";
    this.containerBridge = prefix + "cbr";
    this.nodeBridge = prefix + "nbr"; // agents name their containers' namespaces after it: suites must not share it
    this.containerSubnet = "198.18." + (64 + subnet) + ".";
  }

  /** The bridge every node agent attaches its containers to, inside the node's namespace. */
  public String nodeBridge() {
    return nodeBridge;
  }

  public String bridgeAddress() {
    return subnet + "1";
  }

  /** The container network in CIDR notation, as the agents' {@code --container-network} takes it. */
  public String containerNetwork() {
    return containerSubnet + "0/24";
  }

  /** The container network's gateway, held by the root namespace: where the tests' clients and HAProxy sit. */
  public String containerGateway() {
    return containerSubnet + "1";
  }

  public NetworkTopology create(List<String> nodes) {
    destroyLeftovers();
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", bridgeAddress() + "/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    // dockerd's FORWARD DROP would drop traffic between our namespaces on our own bridge.
    runner.run(ProcessSpec.of("iptables", "-I", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"));
    ip("link", "add", containerBridge, "type", "bridge");
    ip("addr", "add", containerGateway() + "/24", "dev", containerBridge);
    ip("link", "set", containerBridge, "up");
    runner.run(ProcessSpec.of("iptables", "-I", "FORWARD", "-i", containerBridge, "-o", containerBridge, "-j", "ACCEPT"));
    int n = 11;
    for (String node : nodes) {
      String ns = prefix + node;
      String hostVeth = prefix + "h" + (n - 10);
      String address = subnet + n++;
      ip("netns", "add", ns);
      ip("link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("link", "set", hostVeth, "master", bridge);
      ip("link", "set", hostVeth, "up");
      ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "route", "add", "default", "via", bridgeAddress());
      uplink(ns, prefix + "u" + (n - 11));
      hosts.add(new Host(node, ns, address, hostVeth));
    }
    return this;
  }

  /**
   * The node's container bridge, up and without an address (the node itself is not on the container
   * network), with an uplink to the root's container bridge. The agent finds it and attaches its
   * containers' veths to it.
   */
  private void uplink(String ns, String rootSide) {
    ip("-n", ns, "link", "add", nodeBridge, "type", "bridge");
    ip("-n", ns, "link", "set", nodeBridge, "up");
    ip("link", "add", rootSide, "type", "veth", "peer", "name", UPLINK, "netns", ns);
    ip("link", "set", rootSide, "master", containerBridge);
    ip("link", "set", rootSide, "up");
    ip("-n", ns, "link", "set", UPLINK, "master", nodeBridge);
    ip("-n", ns, "link", "set", UPLINK, "up");
  }

  public List<Host> hosts() {
    return List.copyOf(hosts);
  }

  public Host host(String node) {
    return hosts.stream().filter(h -> h.node().equals(node)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no host " + node));
  }

  /** Cuts a node off the network (the fault "link cut"): its veth goes down. */
  public void cut(String node) {
    ip("link", "set", host(node).hostVeth(), "down");
  }

  public void heal(String node) {
    ip("link", "set", host(node).hostVeth(), "up");
  }

  /** Caps the rate of everything sent into a node (token bucket on its host-side veth), so transfers last. */
  public void limitIngress(String node, String rate) {
    runner.runChecked(ProcessSpec.of("tc", "qdisc", "replace", "dev", host(node).hostVeth(), "root", "tbf",
        "rate", rate, "burst", "64kb", "latency", "2s"));
  }

  public void clearLimit(String node) {
    runner.run(ProcessSpec.of("tc", "qdisc", "del", "dev", host(node).hostVeth(), "root"));
  }

  /**
   * The argv prefix that runs a command inside a node's network namespace. Not {@code ip netns
   * exec}: it also remounts /sys, hiding the cgroup hierarchies that crun needs.
   */
  public List<String> inNamespace(String node) {
    return List.of("nsenter", "--net=/run/netns/" + host(node).namespace(), "--");
  }

  private void destroyLeftovers() {
    runner.run(ProcessSpec.of("sh", "-c",
        "for ns in $(ip netns list | awk '{print $1}' | grep -E '^(" + prefix + "|ferry-" + nodeBridge + "-)'); do ip netns del $ns; done; "
            + "for l in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^" + prefix + "[hu][0-9]'); do ip link del $l; done; "
            + "ip link del " + bridge + " 2>/dev/null; ip link del " + containerBridge + " 2>/dev/null; "
            + "while iptables -D FORWARD -i " + bridge + " -o " + bridge + " -j ACCEPT 2>/dev/null; do :; done; "
            + "while iptables -D FORWARD -i " + containerBridge + " -o " + containerBridge + " -j ACCEPT 2>/dev/null; do :; done; true"));
  }

  private void ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    runner.runChecked(ProcessSpec.of(argv));
  }

  @Override
  public void close() {
    hosts.clear();
    destroyLeftovers();
  }
}
