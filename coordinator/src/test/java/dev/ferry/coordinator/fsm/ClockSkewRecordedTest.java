package dev.ferry.coordinator.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.grpc.ApiMapper;
import dev.ferry.coordinator.store.MigrationCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The skew preflight measured stays in the record through every later step, etcd and the API. */
class ClockSkewRecordedTest {
  private static final ClockSkew SKEW = new ClockSkew(Duration.ofNanos(-1_750_000), Duration.ofNanos(240_000), "");

  @Test
  void preflightsMeasurementReachesTheRecordAndTheApi() {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = Fixtures.queued(Strategy.PRECOPY);
    for (Event e : Fixtures.precopyHappyPath()) {
      Event withSkew = e instanceof Event.PreflightPassed p
          ? new Event.PreflightPassed(p.capabilitiesSummary(), p.choice(), SKEW) : e;
      m = machine.transition(m, withSkew, Fixtures.T0).next();
    }
    assertThat(m.phase().terminal()).isTrue();
    assertThat(m.stats().clockSkew()).isEqualTo(SKEW);
    Migration stored = MigrationCodec.decode(MigrationCodec.encode(m));
    assertThat(stored.stats().clockSkew()).isEqualTo(SKEW);
    var api = ApiMapper.migration(stored).getStats();
    assertThat(api.getRealtimeSkewMs()).isEqualTo(-1.75);
    assertThat(api.getRealtimeSkewErrorMs()).isEqualTo(0.24);
  }

  @Test
  void aWarnedSkewIsInTheHistory() {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = Fixtures.queued(Strategy.PRECOPY);
    var warned = new ClockSkew(Duration.ofMillis(812), Duration.ofMillis(1), "target node-b vs source node-a: skew 812 ms");
    m = machine.transition(m, new Event.Admitted("node-b", ""), Fixtures.T0).next();
    m = machine.transition(m, new Event.Started(), Fixtures.T0).next();
    m = machine.transition(m, new Event.PreflightPassed("caps", new StrategyChoice(Strategy.PRECOPY, "test"), warned),
        Fixtures.T0).next();

    assertThat(m.history().getLast().detail()).contains("skew 812 ms");
    assertThat(m.stats().clockSkew()).isEqualTo(warned);
  }
}
