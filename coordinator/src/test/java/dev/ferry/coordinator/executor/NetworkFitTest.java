package dev.ferry.coordinator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetworkFitTest {
  @Test
  void aContainerWithoutAnAddressFitsAnywhere() {
    assertThat(NetworkFit.problem("ct", "", "nodeB", "")).isEmpty();
  }

  @Test
  void theTargetMustHoldTheAddress() {
    assertThat(NetworkFit.problem("ct", "198.18.71.5", "nodeB", "198.18.71.0/24")).isEmpty();
    assertThat(NetworkFit.problem("ct", "198.18.71.5", "nodeB", "")).get().asString()
        .contains("nodeB has no container network").contains("--container-network");
    assertThat(NetworkFit.problem("ct", "198.18.71.5", "nodeB", "198.18.80.0/24")).get().asString()
        .contains("198.18.80.0/24 does not hold it");
  }
}
