package dev.ferry.agent.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.transfer.RootfsPass;
import dev.ferry.transfer.TransferStats;
import dev.ferry.transfer.tree.Manifest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootfsFirstPassesTest {
  private final RootfsFirstPasses passes = new RootfsFirstPasses();
  private final ContainerId ct = new ContainerId("ct");

  @Test
  void aFirstPassIsTheBaseOfItsOwnMigrationOnly() {
    RootfsPass first = pass();
    passes.remember(ct, "m1", first);
    assertThat(passes.of(ct, "m1")).containsSame(first);
    assertThat(passes.of(ct, "m2")).as("another migration's target may not hold it").isEmpty();
    assertThat(passes.of(new ContainerId("other"), "m1")).isEmpty();
  }

  @Test
  void theNextMigrationReplacesItAndOnlyItsOwnFinalSendDropsIt() {
    passes.remember(ct, "m1", pass());
    RootfsPass second = pass();
    passes.remember(ct, "m2", second);
    assertThat(passes.of(ct, "m1")).isEmpty();
    passes.forget(ct, "m1");
    assertThat(passes.of(ct, "m2")).as("a late final send of m1 leaves m2's pass").containsSame(second);
    passes.forget(ct, "m2");
    assertThat(passes.of(ct, "m2")).isEmpty();
  }

  @Test
  void aDeletedContainerLeavesNoPass() {
    passes.remember(ct, "m1", pass());
    passes.forget(ct);
    assertThat(passes.of(ct, "m1")).isEmpty();
  }

  private static RootfsPass pass() {
    return new RootfsPass("rootfs-first-pass", new Manifest(List.of(), List.of()),
        new TransferStats(0, 0, 0, 0, 0, Duration.ZERO, 1, 0, 0, "none", "test", java.util.Set.of()));
  }
}
