package dev.ferry.coordinator.fsm;

import static dev.ferry.coordinator.fsm.Fixtures.*;

import java.util.ArrayList;
import java.util.List;

/** Every scenario the FSM tests run, as data, so the coverage check can replay them all. */
final class Scenarios {
  private Scenarios() {}

  record Scenario(String name, Strategy strategy, List<Event> events) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Class<? extends Phase>> ROLLBACK_PHASES = List.of(Phase.PrepareTarget.class,
      Phase.PreCopy.class, Phase.FreezeAndDump.class, Phase.Transfer.class, Phase.Restore.class, Phase.Verify.class);

  static List<Scenario> all() {
    List<Scenario> all = new ArrayList<>();
    all.add(new Scenario("precopy happy path", Strategy.PRECOPY, precopyHappyPath()));
    all.add(new Scenario("stopcopy happy path", Strategy.STOPCOPY, List.of(
        new Event.Admitted("node-b", ""), new Event.Started(), passed(Strategy.STOPCOPY),
        new Event.TargetPrepared("img-t", "tok"), new Event.DumpCompleted("img-s", MIB, T0, ""),
        new Event.TransferCompleted(MIB, MIB), new Event.Restored(java.time.Duration.ofMillis(5), T0.plusMillis(50)),
        new Event.Verified(""), new Event.Committed())));
    all.add(new Scenario("cancel queued", Strategy.AUTO, List.of(cancel())));
    all.add(new Scenario("queue timeout", Strategy.AUTO, List.of(timeout())));
    all.add(new Scenario("cancel planned", Strategy.AUTO, List.of(new Event.Admitted("node-b", ""), cancel())));
    List<Event> toPreflight = pathTo(Phase.Preflight.class);
    all.add(new Scenario("preflight refused", Strategy.AUTO, concat(toPreflight,
        new Event.PreflightFailed(new Failure.Refused(Reason.CPU_INCOMPATIBLE, "cpu differs")))));
    all.add(new Scenario("preflight retried then passes", Strategy.AUTO, concat(toPreflight, unreachable(),
        passed(Strategy.STOPCOPY))));
    all.add(new Scenario("preflight retries exhausted", Strategy.AUTO, concat(toPreflight, unreachable(),
        unreachable(), unreachable(), unreachable())));
    all.add(new Scenario("preflight cancelled", Strategy.AUTO, concat(toPreflight, cancel())));
    all.add(new Scenario("preflight timeout", Strategy.AUTO, concat(toPreflight, timeout())));
    all.add(new Scenario("prepare target retried", Strategy.PRECOPY, concat(pathTo(Phase.PrepareTarget.class),
        unreachable(), new Event.TargetPrepared("img-t", "tok"))));
    for (Class<? extends Phase> phase : ROLLBACK_PHASES) {
      List<Event> to = pathTo(phase);
      String p = phase.getSimpleName();
      all.add(new Scenario(p + " step fails", Strategy.PRECOPY, concat(to, rejected(), new Event.RollbackCompleted())));
      all.add(new Scenario(p + " cancelled", Strategy.PRECOPY, concat(to, cancel(), new Event.RollbackCompleted())));
      all.add(new Scenario(p + " timeout", Strategy.PRECOPY, concat(to, timeout(), new Event.RollbackCompleted())));
    }
    all.add(new Scenario("verify retried", Strategy.PRECOPY, concat(pathTo(Phase.Verify.class), unreachable(),
        new Event.Verified(""))));
    List<Event> toCommit = pathTo(Phase.Commit.class);
    all.add(new Scenario("commit retried", Strategy.PRECOPY, concat(toCommit, unreachable(), timeout(),
        new Event.Committed())));
    all.add(new Scenario("commit cleanup fails", Strategy.PRECOPY, concat(toCommit, unreachable(), unreachable(),
        unreachable(), unreachable())));
    all.add(new Scenario("commit times out", Strategy.PRECOPY, concat(toCommit, timeout(), timeout(), timeout(),
        timeout())));
    // A hold ends (leader back, etcd quorum back): the step goes on; a Transfer held too long rolls back.
    all.add(new Scenario("preflight resumed after a hold", Strategy.AUTO, concat(toPreflight, resumed(10),
        passed(Strategy.STOPCOPY))));
    all.add(new Scenario("prepare target resumed after a hold", Strategy.PRECOPY,
        concat(pathTo(Phase.PrepareTarget.class), resumed(10), new Event.TargetPrepared("img-t", "tok"))));
    all.add(new Scenario("transfer resumed after a hold", Strategy.PRECOPY, concat(pathTo(Phase.Transfer.class),
        resumed(10), new Event.TransferCompleted(MIB, MIB))));
    all.add(new Scenario("transfer held past the hold limit", Strategy.PRECOPY,
        concat(pathTo(Phase.Transfer.class), resumed(600), new Event.RollbackCompleted())));
    all.add(new Scenario("verify resumed after a hold", Strategy.PRECOPY, concat(pathTo(Phase.Verify.class),
        resumed(600), new Event.Verified(""))));
    all.add(new Scenario("commit resumed after a hold", Strategy.PRECOPY, concat(pathTo(Phase.Commit.class),
        resumed(600), new Event.Committed())));
    List<Event> toRollback = concat(pathTo(Phase.Restore.class), rejected());
    all.add(new Scenario("rollback resumed after a hold", Strategy.PRECOPY, concat(toRollback, resumed(600),
        new Event.RollbackCompleted())));
    all.add(new Scenario("rollback retried", Strategy.PRECOPY, concat(toRollback, unreachable(), timeout(),
        new Event.RollbackCompleted())));
    all.add(new Scenario("rollback fails", Strategy.PRECOPY, concat(toRollback, unreachable(), unreachable(),
        unreachable(), rejected())));
    // A rollback retries through an agent restart (ROLLBACK_RETRIES) before it gives up.
    List<Event> timeouts = java.util.Collections.nCopies(MigrationMachine.ROLLBACK_RETRIES + 1, timeout());
    all.add(new Scenario("rollback times out", Strategy.PRECOPY, concat(toRollback, timeouts.toArray(Event[]::new))));
    return all;
  }
}
