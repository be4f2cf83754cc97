package dev.ferry.coordinator.registry;

import static dev.ferry.coordinator.etcd.Etcd.await;
import static dev.ferry.coordinator.etcd.Etcd.bytes;
import static dev.ferry.coordinator.etcd.Etcd.text;

import dev.ferry.coordinator.etcd.Json;
import dev.ferry.coordinator.store.Keys;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Nodes in etcd. {@code nodes/<node>} is bound to the agent's lease: when the agent stops
 * re-registering, etcd deletes it and the node is NotReady. {@code node-info/<node>} keeps the
 * last registration so a NotReady node is still listed. Cordons and containers are plain keys.
 */
public final class EtcdNodeRegistry implements NodeRegistry {
  static final String NODE_INFO = Keys.ROOT + "node-info/";
  private final Client client;

  public EtcdNodeRegistry(Client client) {
    this.client = client;
  }

  @Override
  public NodeLease register(NodeRegistration r, Duration ttl) {
    var kv = client.getKVClient();
    var alive = await("get node " + r.name(), kv.get(bytes(Keys.node(r.name())))).getKvs();
    long lease = alive.isEmpty() ? 0 : alive.getFirst().getLease();
    if (lease != 0 && renewed(lease)) {
      await("refresh node " + r.name(), kv.put(bytes(Keys.node(r.name())), Json.encode(r),
          PutOption.builder().withLeaseId(lease).build()));
      await("store node info " + r.name(), kv.put(bytes(NODE_INFO + r.name()), Json.encode(r)));
      return new NodeLease(lease, ttl);
    }
    long granted = await("grant lease for " + r.name(), client.getLeaseClient().grant(Math.max(1, ttl.toSeconds())))
        .getID();
    await("register node " + r.name(), kv.txn()
        .Then(Op.put(bytes(Keys.node(r.name())), Json.encode(r), PutOption.builder().withLeaseId(granted).build()),
            Op.put(bytes(NODE_INFO + r.name()), Json.encode(r), PutOption.DEFAULT))
        .commit());
    return new NodeLease(granted, ttl);
  }

  private boolean renewed(long lease) {
    try {
      return await("keep lease alive", client.getLeaseClient().keepAliveOnce(lease)).getTTL() > 0;
    } catch (RuntimeException e) {
      return false; // expired or revoked: grant a new one
    }
  }

  @Override
  public List<Node> nodes() {
    Map<String, NodeRegistration> known = prefix(NODE_INFO).stream()
        .map(kv -> Json.decode(kv.getValue(), NodeRegistration.class))
        .collect(Collectors.toMap(NodeRegistration::name, Function.identity(), (a, b) -> b));
    Set<String> alive = names(prefix(Keys.NODES), Keys.NODES);
    Map<String, String> cordons = prefix(Keys.CORDONS).stream().collect(Collectors.toMap(
        kv -> text(kv.getKey()).substring(Keys.CORDONS.length()), kv -> text(kv.getValue())));
    List<Node> nodes = new ArrayList<>();
    for (NodeRegistration r : known.values()) {
      nodes.add(new Node(r.name(), r.address(), r.capabilities(), r.registeredAt(), alive.contains(r.name()),
          cordons.containsKey(r.name()), cordons.getOrDefault(r.name(), "")));
    }
    nodes.sort(java.util.Comparator.comparing(Node::name));
    return nodes;
  }

  @Override
  public Optional<Node> node(String name) {
    return nodes().stream().filter(n -> n.name().equals(name)).findFirst();
  }

  @Override
  public Node cordon(String name, String reason) {
    requireKnown(name);
    await("cordon " + name, client.getKVClient().put(bytes(Keys.cordon(name)), bytes(reason)));
    return node(name).orElseThrow();
  }

  @Override
  public Node uncordon(String name) {
    requireKnown(name);
    await("uncordon " + name, client.getKVClient().delete(bytes(Keys.cordon(name))));
    return node(name).orElseThrow();
  }

  private void requireKnown(String name) {
    if (node(name).isEmpty()) {
      throw new UnknownNodeException(name);
    }
  }

  @Override
  public void reportContainers(String node, List<ContainerEntry> containers) {
    Set<String> reported = containers.stream().map(ContainerEntry::containerId).collect(Collectors.toSet());
    List<Op> ops = new ArrayList<>();
    for (ContainerEntry c : containers()) {
      if (c.node().equals(node) && !reported.contains(c.containerId())) {
        ops.add(Op.delete(bytes(Keys.container(c.containerId())), DeleteOption.DEFAULT));
      }
    }
    for (ContainerEntry c : containers) {
      ops.add(Op.put(bytes(Keys.container(c.containerId())), Json.encode(c), PutOption.DEFAULT));
    }
    if (!ops.isEmpty()) {
      await("report containers of " + node, client.getKVClient().txn().Then(ops.toArray(Op[]::new)).commit());
    }
  }

  @Override
  public List<ContainerEntry> containers() {
    return prefix(Keys.CONTAINERS).stream().map(kv -> Json.decode(kv.getValue(), ContainerEntry.class))
        .sorted(java.util.Comparator.comparing(ContainerEntry::containerId)).toList();
  }

  @Override
  public Optional<ContainerEntry> container(String containerId) {
    var kvs = await("get container " + containerId,
        client.getKVClient().get(bytes(Keys.container(containerId)))).getKvs();
    return kvs.stream().findFirst().map(kv -> Json.decode(kv.getValue(), ContainerEntry.class));
  }

  @Override
  public void moveContainer(String containerId, String toNode) {
    ContainerEntry c = container(containerId).orElseThrow(() -> new UnknownContainerException(containerId));
    ContainerEntry moved = new ContainerEntry(c.containerId(), toNode, c.status(), c.rssBytes(),
        c.memoryLimitBytes(), c.cpuMillicores(), c.address());
    await("move container " + containerId, client.getKVClient().put(bytes(Keys.container(containerId)),
        Json.encode(moved)));
  }

  private List<KeyValue> prefix(String prefix) {
    return await("list " + prefix, client.getKVClient().get(bytes(prefix),
        GetOption.builder().isPrefix(true).build())).getKvs();
  }

  private static Set<String> names(List<KeyValue> kvs, String prefix) {
    return kvs.stream().map(kv -> text(kv.getKey()).substring(prefix.length())).collect(Collectors.toSet());
  }
}
