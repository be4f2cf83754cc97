package dev.ferry.coordinator.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.coordinator.service.RequestRejectedException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every AddressBook does, run against each implementation. */
abstract class AddressBookContract {
  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  static final InstantSource CLOCK = InstantSource.fixed(T0);
  static final ContainerNetwork NET = ContainerNetwork.parse("198.18.71.0/29");

  abstract AddressBook book();

  @Test
  void firstAllocationIsTheLowestContainerAddress() {
    AddressLease lease = book().allocate("ct1", NET, "node-a");
    assertThat(lease).isEqualTo(new AddressLease("ct1", "198.18.71.2", NET, "node-a", T0));
    assertThat(lease.prefixLength()).isEqualTo(29);
    assertThat(book().lookup("ct1")).contains(lease);
  }

  @Test
  void askingAgainReturnsTheSameLeaseEvenFromAnotherNode() {
    AddressLease first = book().allocate("ct1", NET, "node-a");
    book().allocate("ct2", NET, "node-a");
    assertThat(book().allocate("ct1", NET, "node-b")).isEqualTo(first);
  }

  @Test
  void anotherNetworkForAHolderIsRefusedNamingBoth() {
    book().allocate("ct1", NET, "node-a");
    assertThatThrownBy(() -> book().allocate("ct1", ContainerNetwork.parse("198.18.72.0/24"), "node-a"))
        .isInstanceOf(NetworkMismatchException.class)
        .hasMessage("container ct1 already holds 198.18.71.2 in network 198.18.71.0/29, not in 198.18.72.0/24; an "
            + "address is kept for the container's life, release it first to move to another network");
  }

  @Test
  void aFullNetworkSaysSoWithItsSize() {
    Set<String> given = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      given.add(book().allocate("ct" + i, NET, "node-a").address());
    }
    assertThat(given).containsExactlyInAnyOrder("198.18.71.2", "198.18.71.3", "198.18.71.4", "198.18.71.5",
        "198.18.71.6");
    assertThatThrownBy(() -> book().allocate("ct9", NET, "node-a")).isInstanceOf(NetworkExhaustedException.class)
        .hasMessage("container network 198.18.71.0/29 is exhausted: all 5 container addresses are allocated (a /29 "
            + "has 8 addresses; network, gateway 198.18.71.1 and broadcast are not given out)");
  }

  @Test
  void releaseFreesTheAddressForTheNextContainer() {
    book().allocate("ct1", NET, "node-a");
    book().allocate("ct2", NET, "node-a");
    assertThat(book().release("ct1")).contains("198.18.71.2");
    assertThat(book().lookup("ct1")).isEmpty();
    assertThat(book().release("ct1")).isEmpty();
    assertThat(book().allocate("ct3", NET, "node-b").address()).isEqualTo("198.18.71.2");
    assertThat(book().lookup("ct2").orElseThrow().address()).isEqualTo("198.18.71.3");
  }

  @Test
  void releasingAContainerWithoutAnAddressIsANoOp() {
    assertThat(book().release("ct-none")).isEmpty();
  }

  @Test
  void networksThatShareOctetsDoNotShareAddresses() {
    var other = ContainerNetwork.parse("198.18.71.8/29");
    assertThat(book().allocate("ct1", NET, "node-a").address()).isEqualTo("198.18.71.2");
    assertThat(book().allocate("ct2", other, "node-a").address()).isEqualTo("198.18.71.10");
    assertThat(book().allocate("ct3", NET, "node-a").address()).isEqualTo("198.18.71.3");
  }

  @Test
  void idsAreValidated() {
    assertThatThrownBy(() -> book().allocate("", NET, "node-a")).isInstanceOf(RequestRejectedException.class)
        .hasMessage("container id is required");
    assertThatThrownBy(() -> book().allocate("ct1", NET, "")).isInstanceOf(RequestRejectedException.class)
        .hasMessage("node name is required");
    assertThatThrownBy(() -> book().release("../x")).isInstanceOf(RequestRejectedException.class)
        .hasMessageStartingWith("invalid container id '../x'");
  }
}
