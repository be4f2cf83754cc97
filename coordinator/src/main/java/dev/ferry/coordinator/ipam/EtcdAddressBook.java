package dev.ferry.coordinator.ipam;

import static dev.ferry.coordinator.etcd.Etcd.await;
import static dev.ferry.coordinator.etcd.Etcd.bytes;
import static dev.ferry.coordinator.etcd.Etcd.text;

import dev.ferry.coordinator.etcd.Json;
import dev.ferry.coordinator.service.Ids;
import dev.ferry.coordinator.store.Keys;
import dev.ferry.coordinator.store.StoreUnavailableException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Addresses in etcd: {@code addresses/<ip>} (JSON: holder, node, network, time) and
 * {@code address-of/<container>} (the ip). Both are written in one transaction that requires
 * neither to exist, so etcd, not any coordinator, decides who gets an address: any number of
 * coordinators may allocate at once, leader or not.
 */
public final class EtcdAddressBook implements AddressBook {
  /** Transactions one call may lose to concurrent allocations before it gives up (retryable). */
  static final int MAX_ATTEMPTS = 256;
  private static final int MAX_RELEASE_ATTEMPTS = 16;

  private final Client client;
  private final InstantSource clock;

  public EtcdAddressBook(Client client, InstantSource clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public AddressLease allocate(String containerId, ContainerNetwork network, String node) {
    Ids.container(containerId);
    Ids.node(node);
    int attempts = 0;
    while (attempts < MAX_ATTEMPTS) {
      Optional<AddressLease> held = lookup(containerId);
      if (held.isPresent()) {
        return sameNetwork(held.get(), network);
      }
      // Lowest free first; a lost race moves on to the next free one without re-reading.
      List<String> free = freeAddresses(network, MAX_ATTEMPTS - attempts);
      if (free.isEmpty()) {
        throw new NetworkExhaustedException(network);
      }
      for (String candidate : free) {
        attempts++;
        Outcome outcome = tryClaim(containerId, candidate, network, node);
        if (outcome instanceof Outcome.Claimed(AddressLease lease)) {
          return lease;
        }
        if (outcome instanceof Outcome.ContainerHolds) {
          break; // a concurrent call for this container won: look it up
        }
      }
    }
    throw new StoreUnavailableException("no address allocated for container " + containerId + " in "
        + network.cidr() + ": lost " + MAX_ATTEMPTS + " races to concurrent allocations; retry", null);
  }

  private sealed interface Outcome {
    record Claimed(AddressLease lease) implements Outcome {}

    record AddressTaken() implements Outcome {}

    record ContainerHolds() implements Outcome {}
  }

  private Outcome tryClaim(String containerId, String ip, ContainerNetwork network, String node) {
    ByteSequence forward = bytes(Keys.address(ip));
    ByteSequence reverse = bytes(Keys.addressOf(containerId));
    StoredAddress value = new StoredAddress(containerId, node, network.cidr(), clock.instant());
    var r = await("allocate " + ip + " to " + containerId, client.getKVClient().txn()
        .If(new Cmp(forward, Cmp.Op.EQUAL, CmpTarget.createRevision(0)),
            new Cmp(reverse, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
        .Then(Op.put(forward, Json.encode(value), PutOption.DEFAULT),
            Op.put(reverse, bytes(ip), PutOption.DEFAULT))
        .Else(Op.get(reverse, GetOption.DEFAULT))
        .commit());
    if (r.isSucceeded()) {
      return new Outcome.Claimed(value.lease(ip));
    }
    return r.getGetResponses().getFirst().getKvs().isEmpty() ? new Outcome.AddressTaken()
        : new Outcome.ContainerHolds();
  }

  private static AddressLease sameNetwork(AddressLease held, ContainerNetwork asked) {
    if (!held.network().equals(asked)) {
      throw new NetworkMismatchException(held, asked);
    }
    return held;
  }

  /** Up to {@code limit} free container addresses of the network, lowest first, from one read. */
  private List<String> freeAddresses(ContainerNetwork network, int limit) {
    String prefix = Keys.ADDRESSES + network.fixedOctetsPrefix();
    Set<String> used = await("list addresses in " + network.cidr(), client.getKVClient().get(bytes(prefix),
        GetOption.builder().isPrefix(true).withKeysOnly(true).build())).getKvs().stream()
        .map(kv -> text(kv.getKey()).substring(Keys.ADDRESSES.length()))
        .filter(network::contains)
        .collect(Collectors.toSet());
    return network.hosts().filter(a -> !used.contains(a)).limit(limit).toList();
  }

  @Override
  public Optional<String> release(String containerId) {
    Ids.container(containerId);
    for (int i = 0; i < MAX_RELEASE_ATTEMPTS; i++) {
      Optional<KeyValue> reverse = get(Keys.addressOf(containerId));
      if (reverse.isEmpty()) {
        return Optional.empty();
      }
      String ip = text(reverse.get().getValue());
      Optional<KeyValue> forward = get(Keys.address(ip));
      boolean owned = forward.isPresent() && decode(forward.get()).containerId().equals(containerId);
      // Delete the address only while it is still this container's: both keys as read.
      long forwardRevision = forward.map(KeyValue::getModRevision).orElse(0L);
      var txn = client.getKVClient().txn()
          .If(new Cmp(bytes(Keys.addressOf(containerId)), Cmp.Op.EQUAL,
                  CmpTarget.modRevision(reverse.get().getModRevision())),
              new Cmp(bytes(Keys.address(ip)), Cmp.Op.EQUAL, CmpTarget.modRevision(forwardRevision)));
      txn = owned
          ? txn.Then(Op.delete(bytes(Keys.addressOf(containerId)), DeleteOption.DEFAULT),
              Op.delete(bytes(Keys.address(ip)), DeleteOption.DEFAULT))
          : txn.Then(Op.delete(bytes(Keys.addressOf(containerId)), DeleteOption.DEFAULT));
      if (await("release " + ip + " of " + containerId, txn.commit()).isSucceeded()) {
        return owned ? Optional.of(ip) : Optional.empty();
      }
    }
    throw new StoreUnavailableException("address of container " + containerId + " kept changing during release; "
        + "retry", null);
  }

  @Override
  public Optional<AddressLease> lookup(String containerId) {
    Ids.container(containerId);
    Optional<KeyValue> reverse = get(Keys.addressOf(containerId));
    if (reverse.isEmpty()) {
      return Optional.empty();
    }
    String ip = text(reverse.get().getValue());
    // Released between the two reads, or a stray reverse key: the container holds nothing.
    return get(Keys.address(ip)).map(EtcdAddressBook::decode)
        .filter(s -> s.containerId().equals(containerId))
        .map(s -> s.lease(ip));
  }

  private Optional<KeyValue> get(String key) {
    return await("get " + key, client.getKVClient().get(bytes(key))).getKvs().stream().findFirst();
  }

  private static StoredAddress decode(KeyValue kv) {
    return Json.decode(kv.getValue(), StoredAddress.class);
  }
}
