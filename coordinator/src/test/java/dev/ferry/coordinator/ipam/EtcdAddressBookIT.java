package dev.ferry.coordinator.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.coordinator.etcd.Etcd;
import dev.ferry.coordinator.testkit.EtcdExtension;
import dev.ferry.coordinator.testkit.Timing;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract against a real etcd, plus races between coordinators that share nothing but etcd. */
class EtcdAddressBookIT extends AddressBookContract {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  @Override
  AddressBook book() {
    return new EtcdAddressBook(etcd.client(), CLOCK);
  }

  @Test
  void bothKeysAreReadableUnderTheDocumentedLayout() {
    book().allocate("ct-json", NET, "node-a");
    var kv = etcd.client().getKVClient();
    String json = Etcd.text(Etcd.await("get", kv.get(Etcd.bytes("/ferry/v1/addresses/198.18.71.2"))).getKvs()
        .getFirst().getValue());
    assertThat(json).contains("\"containerId\":\"ct-json\"", "\"node\":\"node-a\"", "\"network\":\"198.18.71.0/29\"",
        "\"allocatedAt\":\"2025-03-01T10:00:00Z\"");
    String ip = Etcd.text(Etcd.await("get", kv.get(Etcd.bytes("/ferry/v1/address-of/ct-json"))).getKvs()
        .getFirst().getValue());
    assertThat(ip).isEqualTo("198.18.71.2");
    book().release("ct-json");
    assertThat(Etcd.await("get", kv.get(Etcd.bytes("/ferry/v1/addresses/198.18.71.2"))).getKvs()).isEmpty();
    assertThat(Etcd.await("get", kv.get(Etcd.bytes("/ferry/v1/address-of/ct-json"))).getKvs()).isEmpty();
  }

  /** 40 containers at once through two coordinators (two etcd clients), then fill the /26 and overflow it. */
  @Test
  void concurrentAllocationsFromTwoCoordinatorsNeverShareAnAddress() throws Exception {
    var net = ContainerNetwork.parse("198.18.72.0/26");
    try (var otherClient = etcd.newClient(); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<AddressBook> books = List.of(new EtcdAddressBook(etcd.client(), CLOCK),
          new EtcdAddressBook(otherClient, CLOCK));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<AddressLease>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        AddressBook book = books.get(i % 2);
        String id = "ct" + i;
        results.add(threads.submit(() -> {
          go.await();
          return book.allocate(id, net, "node-" + (id.hashCode() % 3));
        }));
      }
      go.countDown();
      Set<String> addresses = new HashSet<>();
      for (var f : results) {
        AddressLease lease = f.get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(net.contains(lease.address())).isTrue();
        assertThat(lease.address()).isNotEqualTo(net.gateway());
        addresses.add(lease.address());
      }
      assertThat(addresses).hasSize(40);
      // Each container sees its own address from either coordinator.
      for (int i = 0; i < 40; i++) {
        assertThat(books.get((i + 1) % 2).lookup("ct" + i).orElseThrow().address())
            .isEqualTo(results.get(i).get().address());
      }
      // The same 40 again, racing: idempotent, nothing new taken.
      List<Future<AddressLease>> again = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        AddressBook book = books.get((i + 1) % 2);
        String id = "ct" + i;
        again.add(threads.submit(() -> book.allocate(id, net, "node-x")));
      }
      for (int i = 0; i < 40; i++) {
        assertThat(again.get(i).get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS))
            .isEqualTo(results.get(i).get());
      }
      // The remaining 21 fill the /26 (61 container addresses), the 62nd is refused.
      for (int i = 40; i < 61; i++) {
        addresses.add(books.get(i % 2).allocate("ct" + i, net, "node-a").address());
      }
      assertThat(addresses).hasSize(61).containsAll(net.hosts().toList());
      assertThatThrownBy(() -> books.get(0).allocate("ct-late", net, "node-a"))
          .isInstanceOf(NetworkExhaustedException.class)
          .hasMessage("container network 198.18.72.0/26 is exhausted: all 61 container addresses are allocated "
              + "(a /26 has 64 addresses; network, gateway 198.18.72.1 and broadcast are not given out)");
      // Release through one coordinator, re-allocate through the other: the freed address comes back.
      String freed = books.get(0).release("ct7").orElseThrow();
      assertThat(books.get(1).allocate("ct-late", net, "node-b").address()).isEqualTo(freed);
    }
  }

  @Test
  void oneContainerAskingThroughTwoCoordinatorsAtOnceGetsOneAddress() throws Exception {
    var net = ContainerNetwork.parse("198.18.73.0/24");
    try (var otherClient = etcd.newClient(); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<AddressBook> books = List.of(new EtcdAddressBook(etcd.client(), CLOCK),
          new EtcdAddressBook(otherClient, CLOCK));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<AddressLease>> results = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        AddressBook book = books.get(i % 2);
        results.add(threads.submit(() -> {
          go.await();
          return book.allocate("ct-same", net, "node-a");
        }));
      }
      go.countDown();
      Set<String> seen = new HashSet<>();
      for (var f : results) {
        seen.add(f.get(Timing.seconds(30).toMillis(), TimeUnit.MILLISECONDS).address());
      }
      assertThat(seen).hasSize(1);
      var kv = etcd.client().getKVClient();
      var taken = Etcd.await("list", kv.get(Etcd.bytes("/ferry/v1/addresses/"),
          io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())).getKvs();
      assertThat(taken).hasSize(1);
    }
  }

  @Test
  void releaseLeavesAnAddressAnotherContainerNowHolds() {
    book().allocate("ct1", NET, "node-a");
    var kv = etcd.client().getKVClient();
    // A stray reverse key (someone else now holds the address): release removes only the stray key.
    Etcd.await("put", kv.put(Etcd.bytes("/ferry/v1/address-of/ct-stray"), Etcd.bytes("198.18.71.2")));
    assertThat(book().release("ct-stray")).isEmpty();
    assertThat(book().lookup("ct1").orElseThrow().address()).isEqualTo("198.18.71.2");
    assertThat(Etcd.await("get", kv.get(Etcd.bytes("/ferry/v1/address-of/ct-stray"))).getKvs()).isEmpty();
  }
}
