package dev.ferry.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.FailureReason;
import org.junit.jupiter.api.Test;

class EpochGuardTest {

  @Test
  void aLowerEpochIsRefusedCountedAndNamedOnceAHigherOneWasSeen() {
    EpochGuard guard = new EpochGuard();
    guard.admit(new MigrationContext("m-1", 7));
    guard.admit(new MigrationContext("m-1", 9));
    assertThatThrownBy(() -> guard.admit(new MigrationContext("m-1", 7)))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.STALE_EPOCH))
        .hasMessageContaining("carries epoch 7").hasMessageContaining("already follows epoch 9");
    assertThat(guard.refused()).isEqualTo(1);
    assertThat(guard.highest()).isEqualTo(9);
  }

  @Test
  void epochZeroAndTheCurrentEpochPass() {
    EpochGuard guard = new EpochGuard();
    guard.admit(new MigrationContext("m-1", 9));
    guard.admit(new MigrationContext("m-1", 9));
    guard.admit(new MigrationContext("m-1", 0));
    assertThat(guard.refused()).isZero();
  }
}
