package dev.ferry.coordinator.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerNetworkTest {
  @Test
  void aSlash24KeepsTheFirstHostForTheGateway() {
    var n = ContainerNetwork.parse("198.18.71.0/24");
    assertThat(n.cidr()).isEqualTo("198.18.71.0/24");
    assertThat(n.prefixLength()).isEqualTo(24);
    assertThat(n.size()).isEqualTo(256);
    assertThat(n.capacity()).isEqualTo(253);
    assertThat(n.gateway()).isEqualTo("198.18.71.1");
    assertThat(n.hosts().toList()).hasSize(253).startsWith("198.18.71.2", "198.18.71.3").endsWith("198.18.71.254")
        .doesNotContain("198.18.71.0", "198.18.71.1", "198.18.71.255");
  }

  @Test
  void aSlash30HoldsOneContainer() {
    var n = ContainerNetwork.parse("198.18.0.4/30");
    assertThat(n.hosts().toList()).containsExactly("198.18.0.6");
    assertThat(n.gateway()).isEqualTo("198.18.0.5");
  }

  @Test
  void hostsCrossOctetsAndLargeNetworksAreLazy() {
    var n = ContainerNetwork.parse("198.18.0.0/15");
    assertThat(n.capacity()).isEqualTo(131_069);
    assertThat(n.hosts().skip(254).findFirst()).contains("198.18.1.0");
    assertThat(n.contains("198.19.255.254")).isTrue();
    assertThat(n.contains("198.20.0.1")).isFalse();
    assertThat(ContainerNetwork.parse("0.0.0.0/0").hosts().findFirst()).contains("0.0.0.2");
  }

  @Test
  void fixedOctetsNarrowAStoreRange() {
    assertThat(ContainerNetwork.parse("198.18.71.0/24").fixedOctetsPrefix()).isEqualTo("198.18.71.");
    assertThat(ContainerNetwork.parse("198.18.64.0/18").fixedOctetsPrefix()).isEqualTo("198.18.");
    assertThat(ContainerNetwork.parse("198.18.71.192/26").fixedOctetsPrefix()).isEqualTo("198.18.71.");
    assertThat(ContainerNetwork.parse("10.0.0.0/7").fixedOctetsPrefix()).isEmpty();
  }

  @Test
  void containsOnlyParsesDottedQuads() {
    var n = ContainerNetwork.parse("198.18.71.0/24");
    assertThat(n.contains("198.18.71.9")).isTrue();
    assertThat(n.contains("198.18.72.9")).isFalse();
    assertThat(n.contains("198.18.71")).isFalse();
    assertThat(n.contains("localhost")).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|container network is required, in CIDR notation such as 198.18.71.0/24",
      "fd00::/64|container network 'fd00::/64' is not IPv4: only IPv4 container networks are supported",
      "198.18.71.0|container network '198.18.71.0' has no prefix length: write it in CIDR notation such as "
          + "198.18.71.0/24",
      "198.18.300.0/24|container network '198.18.300.0/24' is not IPv4: '198.18.300.0' is not four decimal numbers "
          + "0-255 separated by dots",
      "example.com/24|container network 'example.com/24' is not IPv4: 'example.com' is not four decimal numbers "
          + "0-255 separated by dots",
      "198.18.071.0/24|container network '198.18.071.0/24' is not IPv4: '198.18.071.0' is not four decimal numbers "
          + "0-255 separated by dots",
      "198.18.71.0/x|container network '198.18.71.0/x' has a bad prefix length 'x': it must be a whole number from "
          + "0 to 32",
      "198.18.71.0/33|container network '198.18.71.0/33' has a bad prefix length '33': it must be a whole number "
          + "from 0 to 32",
      "198.18.71.0/|container network '198.18.71.0/' has a bad prefix length '': it must be a whole number from 0 "
          + "to 32",
      "198.18.71.5/24|container network '198.18.71.5/24' has host bits set: did you mean 198.18.71.0/24?",
      "198.18.71.8/31|container network '198.18.71.8/31' is too small: a /31 has no room for a gateway and a "
          + "container; use a prefix length of 30 or less",
      "198.18.71.8/32|container network '198.18.71.8/32' is too small: a /32 has no room for a gateway and a "
          + "container; use a prefix length of 30 or less",
  })
  void badInputIsNamedPrecisely(String cidr, String message) {
    assertThatThrownBy(() -> ContainerNetwork.parse(cidr)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
