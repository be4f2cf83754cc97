package dev.ferry.coordinator.fsm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Values and event sequences shared by the FSM tests. */
final class Fixtures {
  private Fixtures() {}

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final long MIB = 1 << 20;

  static Migration queued(Strategy strategy) {
    return Migration.queued("m-1", MigrationSpec.of("ct42", "node-a", "node-b").withStrategy(strategy), T0);
  }

  static NodeCapabilities caps(String node, boolean dirty, boolean lazy) {
    return new NodeCapabilities(node, "4.2.1", "6.16", dirty ? Feature.yes() : Feature.no("no soft-dirty"),
        lazy ? Feature.yes() : Feature.no("no userfaultfd"), Feature.yes(), 2, 8L << 30, 100L << 30);
  }

  static Event.PreflightPassed passed(Strategy s) {
    return new Event.PreflightPassed("node-a, node-b", new StrategyChoice(s, "test"));
  }

  /** A round that cannot fit the 500 ms budget: 1 GiB at 100 MiB/s. */
  static Event.RoundDumped bigRound(int n) {
    return new Event.RoundDumped(new PrecopyRound(n, 1024 * MIB, 262144, Duration.ofSeconds(10), 100.0 * MIB));
  }

  /** A round whose final dump fits: 4 MiB at 100 MiB/s = 40 ms + fixed cost. */
  static Event.RoundDumped smallRound(int n) {
    return new Event.RoundDumped(new PrecopyRound(n, 4 * MIB, 1024, Duration.ofMillis(40), 100.0 * MIB));
  }

  static Event.StepFailed unreachable() {
    return new Event.StepFailed(new Failure.Unreachable(Reason.TARGET_UNREACHABLE, "node-b", "connection refused"));
  }

  static Event.StepFailed rejected() {
    return new Event.StepFailed(new Failure.StepRejected(Reason.CRIU_DUMP_FAILED, "node-a", "criu dump failed",
        "Error (criu/x.c:1): boom"));
  }

  static Event.Timeout timeout() {
    return new Event.Timeout("step", Duration.ofSeconds(30));
  }

  /** Picked up again after {@code seconds} without a leader able to write etcd; the hold limit is 2 minutes. */
  static Event.Resumed resumed(long seconds) {
    return new Event.Resumed(Duration.ofSeconds(seconds), Duration.ofMinutes(2));
  }

  static Event.CancelRequested cancel() {
    return new Event.CancelRequested("operator asked");
  }

  /** The whole pre-copy happy path, from Queued to Done: two rounds, then freeze. */
  static List<Event> precopyHappyPath() {
    return List.of(
        new Event.Admitted("node-b", "requested by the caller"),
        new Event.Started(),
        passed(Strategy.PRECOPY),
        new Event.TargetPrepared("img-t", "token-1"),
        bigRound(1),
        smallRound(2),
        new Event.DumpCompleted("img-s", 8 * MIB, T0.plusSeconds(20), ""),
        new Event.TransferProgressed(4 * MIB),
        new Event.TransferCompleted(8 * MIB, 3 * MIB),
        new Event.Restored(Duration.ofMillis(120), T0.plusSeconds(20).plusMillis(300)),
        new Event.Verified("running, clocks sane"),
        new Event.Committed());
  }

  /** Events of the happy path up to the first time the migration is in {@code phase}. */
  static List<Event> pathTo(Class<? extends Phase> phase) {
    MigrationMachine machine = MigrationMachine.defaults();
    Migration m = queued(Strategy.PRECOPY);
    List<Event> prefix = new ArrayList<>();
    for (Event e : precopyHappyPath()) {
      if (phase.isInstance(m.phase())) {
        return prefix;
      }
      m = machine.transition(m, e, T0).next();
      prefix.add(e);
    }
    if (phase.isInstance(m.phase())) {
      return prefix;
    }
    throw new IllegalArgumentException("happy path never reaches " + phase.getSimpleName());
  }

  static List<Event> concat(List<Event> a, Event... more) {
    List<Event> all = new ArrayList<>(a);
    all.addAll(List.of(more));
    return all;
  }
}
