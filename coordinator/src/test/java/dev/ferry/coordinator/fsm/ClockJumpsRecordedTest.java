package dev.ferry.coordinator.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.grpc.ApiMapper;
import dev.ferry.coordinator.store.MigrationCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DESIGN.md "Clocks": every migration records the clock jumps its container saw, through etcd to the API. */
class ClockJumpsRecordedTest {
  private static final ClockJumps JUMPS = new ClockJumps(Duration.ofNanos(1_240_000), Duration.ofMillis(2994),
      Duration.ofMillis(2995), Duration.ofMillis(2995), ClockPolicy.SUSPEND, "");

  @Test
  void theTargetsMeasurementReachesTheRecordAndTheApi() {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = Fixtures.queued(Strategy.PRECOPY);
    for (Event e : Fixtures.precopyHappyPath()) {
      Event withJumps = e instanceof Event.Restored r ? new Event.Restored(r.restoreDuration(), r.resumedAt(), JUMPS) : e;
      m = machine.transition(m, withJumps, Fixtures.T0).next();
    }
    assertThat(m.phase().terminal()).isTrue();
    assertThat(m.stats().clockJumps()).isEqualTo(JUMPS);
    Migration stored = MigrationCodec.decode(MigrationCodec.encode(m));
    assertThat(stored.stats().clockJumps()).isEqualTo(JUMPS);
    var api = ApiMapper.migration(stored).getStats().getClockJumps();
    assertThat(api.getMonotonic().getNanos()).isEqualTo(1_240_000);
    assertThat(api.getBoottime().getSeconds()).isEqualTo(2);
    assertThat(api.getPolicy()).isEqualTo(dev.ferry.proto.v1.ClockPolicy.CLOCK_POLICY_SUSPEND);
  }
}
