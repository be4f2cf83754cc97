package dev.ferry.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttachmentTest {
  @Test
  void theMacFollowsTheAddressSoItIsTheSameOnEveryNode() {
    assertThat(new Attachment("198.18.71.10", 24).mac()).isEqualTo("02:fe:c6:12:47:0a");
    assertThat(new Attachment("198.18.71.10", 24).cidr()).isEqualTo("198.18.71.10/24");
  }

  @Test
  void badAddressesAndConfigsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new Attachment("fe80::1", 64)).hasMessageContaining("not an IPv4 address");
    assertThatThrownBy(() -> new Attachment("198.18.71.10", 33)).hasMessageContaining("prefix length must be 1..32");
    assertThatThrownBy(() -> new ContainerNetworkConfig("198.18.71.0", "ferry0", 1500, null)).hasMessageContaining("IPv4 CIDR");
    assertThatThrownBy(() -> new ContainerNetworkConfig("198.18.71.0/24", "a-bridge-name-too-long", 1500, null))
        .hasMessageContaining("at most 15 characters");
    assertThatThrownBy(() -> new ContainerNetworkConfig("198.18.71.0/24", "ferry0", 100, null)).hasMessageContaining("MTU");
    assertThat(new ContainerNetworkConfig("198.18.71.0/24", "ferry0", 1500, " ").announceHook()).isNull();
  }
}
