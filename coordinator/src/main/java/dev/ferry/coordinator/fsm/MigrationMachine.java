package dev.ferry.coordinator.fsm;

import dev.ferry.coordinator.fsm.Event.Admitted;
import dev.ferry.coordinator.fsm.Event.CancelRequested;
import dev.ferry.coordinator.fsm.Event.Committed;
import dev.ferry.coordinator.fsm.Event.DumpCompleted;
import dev.ferry.coordinator.fsm.Event.PreflightFailed;
import dev.ferry.coordinator.fsm.Event.PreflightPassed;
import dev.ferry.coordinator.fsm.Event.Restored;
import dev.ferry.coordinator.fsm.Event.Resumed;
import dev.ferry.coordinator.fsm.Event.RollbackCompleted;
import dev.ferry.coordinator.fsm.Event.RoundDumped;
import dev.ferry.coordinator.fsm.Event.Started;
import dev.ferry.coordinator.fsm.Event.StepFailed;
import dev.ferry.coordinator.fsm.Event.TargetPrepared;
import dev.ferry.coordinator.fsm.Event.Timeout;
import dev.ferry.coordinator.fsm.Event.TransferCompleted;
import dev.ferry.coordinator.fsm.Event.TransferProgressed;
import dev.ferry.coordinator.fsm.Event.Verified;
import dev.ferry.coordinator.fsm.Phase.Commit;
import dev.ferry.coordinator.fsm.Phase.Done;
import dev.ferry.coordinator.fsm.Phase.Failed;
import dev.ferry.coordinator.fsm.Phase.FreezeAndDump;
import dev.ferry.coordinator.fsm.Phase.Planned;
import dev.ferry.coordinator.fsm.Phase.PreCopy;
import dev.ferry.coordinator.fsm.Phase.Preflight;
import dev.ferry.coordinator.fsm.Phase.PrepareTarget;
import dev.ferry.coordinator.fsm.Phase.Queued;
import dev.ferry.coordinator.fsm.Phase.Restore;
import dev.ferry.coordinator.fsm.Phase.RolledBack;
import dev.ferry.coordinator.fsm.Phase.RollingBack;
import dev.ferry.coordinator.fsm.Phase.Transfer;
import dev.ferry.coordinator.fsm.Phase.Verify;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The migration state machine: pure, no I/O, no clock (the caller passes the instant). The
 * outer switch covers every phase without a default, so a new phase does not compile until it
 * is handled here. Legality comes from {@link Transitions#TABLE}, checked before and after.
 */
public final class MigrationMachine {
  /** Retries a rollback gets before it gives up: enough to outlast an agent's restart (about a minute). */
  static final int ROLLBACK_RETRIES = 15;

  private final RetryPolicy retry;
  private final RetryPolicy rollbackRetry;
  private final PrecopyStopRule stopRule;

  public MigrationMachine(RetryPolicy retry, PrecopyStopRule stopRule) {
    this.retry = retry;
    // A rollback is what keeps a dumped container alive: giving up leaves it stopped, so it
    // keeps trying through an agent restart rather than a few hundred milliseconds.
    this.rollbackRetry = new RetryPolicy(Math.max(retry.maxRetries(), ROLLBACK_RETRIES), retry.initialBackoff(),
        retry.multiplier(), retry.maxBackoff());
    this.stopRule = stopRule;
  }

  public static MigrationMachine defaults() {
    return new MigrationMachine(RetryPolicy.DEFAULT, PrecopyStopRule.DEFAULT);
  }

  public Decision transition(Migration m, Event e, Instant at) {
    if (!Transitions.accepts(m.phase(), e)) {
      throw new IllegalTransitionException(m, e);
    }
    // Resumed is the same for every phase that accepts it: the table says which do.
    Decision decision = e instanceof Resumed r ? resumed(m, r, at) : switch (m.phase()) {
      case Queued q -> queued(m, e, at);
      case Planned p -> planned(m, e, at);
      case Preflight p -> preflight(m, e, at);
      case PrepareTarget p -> prepareTarget(m, e, at);
      case PreCopy p -> preCopy(m, p, e, at);
      case FreezeAndDump f -> beforeCommit(m, e, at, () -> switch (e) {
        case DumpCompleted(var image, var bytes, var frozenAt, var pageServer) -> enter(m, e, at,
            new Transfer(0), b -> b.artifacts(m.artifacts().withDump(image, frozenAt, pageServer, bytes)));
        default -> throw unreachable(m, e);
      });
      case Transfer t -> beforeCommit(m, e, at, () -> switch (e) {
        case TransferProgressed(var bytes) -> Decision.of(m.toBuilder().phase(new Transfer(bytes))
            .stats(withBytesDone(m.stats(), bytes)).updatedAt(at).build());
        case TransferCompleted(var raw, var wire) -> enter(m, e, at, new Restore(), b -> b.stats(
            new MigrationStats(raw, raw, wire, null, null, null, null, m.stats().clockSkew())));
        default -> throw unreachable(m, e);
      });
      case Restore r -> beforeCommit(m, e, at, () -> switch (e) {
        case Restored(var took, var resumedAt, var jumps) -> enter(m, e, at, new Verify(), b -> b.stats(
            restored(m, took, resumedAt, jumps)));
        default -> throw unreachable(m, e);
      });
      case Verify v -> beforeCommit(m, e, at, () -> switch (e) {
        case Verified ok -> enter(m, e, at, new Commit(), b -> {});
        case StepFailed(var failure) -> retryOr(m, e, at, failure, () -> rollBack(m, e, at, failure));
        default -> throw unreachable(m, e);
      });
      case Commit c -> commit(m, e, at);
      case RollingBack r -> rollingBack(m, r, e, at);
      case Done done -> throw new IllegalTransitionException(m, e);
      case RolledBack r -> throw new IllegalTransitionException(m, e);
      case Failed f -> throw new IllegalTransitionException(m, e);
    };
    if (!Transitions.allows(m.phase(), e, decision.next().phase())) {
      throw new IllegalStateException("transition " + m.phase().label() + " --" + e.label() + "--> "
          + decision.next().phase().label() + " is missing from Transitions.TABLE");
    }
    return decision;
  }

  /** The commands that carry out a phase: issued on entry, on retry, and on recovery. */
  public static List<Command> stepCommands(Migration m) {
    String ct = m.containerId();
    String src = m.sourceNode();
    String dst = m.targetNode();
    Artifacts a = m.artifacts();
    boolean tcp = !m.spec().dropTcpConnections();
    return switch (m.phase()) {
      case Queued q -> List.of();
      case Planned p -> List.of();
      case Preflight p -> List.of(new Command.RunPreflight(ct, src, dst, m.spec().strategy(),
          m.spec().downtimeBudget(), m.spec().onNonConvergence()));
      case PrepareTarget p -> List.of(new Command.PrepareTarget(ct, src, dst));
      case PreCopy(var round) -> List.of(new Command.PreDumpOnSource(ct, src, dst, round, a.transferToken(),
          m.cpuThrottlePercent()));
      case FreezeAndDump f -> List.of(new Command.DumpOnSource(ct, src, m.rounds().size(), tcp, postcopy(m)));
      case Transfer t -> List.of(new Command.StartTransfer(ct, src, dst, a.sourceImageId(), a.transferToken()));
      case Restore r -> List.of(new Command.RestoreOnTarget(ct, dst, a.targetImageId(), m.spec().clockPolicy(),
          a.frozenAt(), tcp, a.pageServer()));
      case Verify v -> List.of(new Command.VerifyOnTarget(ct, dst));
      case Commit c -> List.of(new Command.FinalizeOnSource(ct, src));
      // Target first: at most one copy may run, so the target's is gone before the source resumes.
      case RollingBack(var cause) -> dst.isEmpty()
          ? List.of(new Command.ResumeOnSource(ct, src, a.sourceImageId(), cause.message()))
          : List.of(new Command.AbortOnTarget(ct, dst),
              new Command.ResumeOnSource(ct, src, a.sourceImageId(), cause.message()));
      case Done d -> List.of();
      case RolledBack r -> List.of();
      case Failed f -> List.of();
    };
  }

  /**
   * A hold ended (see {@link Resumed}). Only Transfer rolls back for a long hold: there the
   * container runs nowhere (the source is dumped, the target not restored), so its blackout
   * grows with the hold; everywhere else the container runs (source before the dump, target
   * from Verify on) and the step is simply issued again.
   */
  private Decision resumed(Migration m, Resumed r, Instant at) {
    if (m.phase() instanceof Transfer && r.held().compareTo(r.holdLimit()) > 0) {
      return rollBack(m, r, at, new Failure.TimedOut("the hold in Transfer (source dumped, no leader able to write "
          + "etcd for " + r.held().toMillis() + " ms)", r.holdLimit()));
    }
    Migration next = m.toBuilder().updatedAt(at)
        .record(new PhaseChange(m.phase(), m.phase(), r.label(), detail(r), at)).build();
    return new Decision(next, stepCommands(next), Duration.ZERO);
  }

  private Decision queued(Migration m, Event e, Instant at) {
    return switch (e) {
      case Admitted(var target, var reason) -> enter(m, e, at, new Planned(), b -> b.target(target, reason));
      case CancelRequested(var reason) -> finish(m, e, at, new RolledBack(new Failure.Cancelled(reason)));
      case Timeout(var step, var limit) -> finish(m, e, at, new Failed(new Failure.TimedOut(step, limit)));
      default -> throw unreachable(m, e);
    };
  }

  private Decision planned(Migration m, Event e, Instant at) {
    return switch (e) {
      case Started s -> enter(m, e, at, new Preflight(), b -> {});
      case CancelRequested(var reason) -> finish(m, e, at, new RolledBack(new Failure.Cancelled(reason)));
      default -> throw unreachable(m, e);
    };
  }

  /** Nothing has been touched yet: failures end the migration, there is nothing to undo. */
  private Decision preflight(Migration m, Event e, Instant at) {
    return switch (e) {
      case PreflightPassed(var summary, var choice, var skew) -> enter(m, e, at, new PrepareTarget(),
          b -> b.strategy(choice).stats(m.stats().withClockSkew(skew)));
      case PreflightFailed(var failure) -> finish(m, e, at, new Failed(failure));
      case StepFailed(var failure) -> retryOr(m, e, at, failure, () -> finish(m, e, at, new Failed(failure)));
      case CancelRequested(var reason) -> finish(m, e, at, new RolledBack(new Failure.Cancelled(reason)));
      case Timeout(var step, var limit) -> finish(m, e, at, new Failed(new Failure.TimedOut(step, limit)));
      default -> throw unreachable(m, e);
    };
  }

  private Decision prepareTarget(Migration m, Event e, Instant at) {
    return beforeCommit(m, e, at, () -> switch (e) {
      case TargetPrepared(var image, var token, var rootfsRaw, var rootfsWire) -> enter(m, e, at,
          m.strategy().strategy() == Strategy.PRECOPY ? new PreCopy(1) : new FreezeAndDump(),
          b -> b.artifacts(m.artifacts().withTarget(image, token)));
      case StepFailed(var failure) -> retryOr(m, e, at, failure, () -> rollBack(m, e, at, failure));
      default -> throw unreachable(m, e);
    });
  }

  private Decision preCopy(Migration m, PreCopy p, Event e, Instant at) {
    return beforeCommit(m, e, at, () -> switch (e) {
      case RoundDumped(var stats) -> {
        Migration withRound = m.toBuilder().addRound(stats).build();
        var stop = stopRule.decide(withRound.rounds(), m.spec().downtimeBudget(), m.spec().maxPrecopyRounds());
        if (!stop.stop()) {
          yield enter(withRound, e, at, new PreCopy(p.round() + 1), b -> {});
        }
        yield stop.converged()
            ? enter(withRound, e, at, new FreezeAndDump(), b -> b.stopReason(stop.reason()))
            : notConverging(withRound, p, e, at, stop.reason());
      }
      default -> throw unreachable(m, e);
    });
  }

  /** The rounds stopped converging: the request's policy says freeze anyway, throttle the CPU, or go post-copy. */
  private Decision notConverging(Migration m, PreCopy p, Event e, Instant at, String why) {
    return switch (m.spec().onNonConvergence()) {
      case FREEZE -> enter(m, e, at, new FreezeAndDump(), b -> b.stopReason(why + "; freezing anyway (policy freeze)"));
      case POSTCOPY -> enter(m, e, at, new FreezeAndDump(), b -> b.stopReason(why + "; switching to post-copy")
          .strategy(new StrategyChoice(Strategy.POSTCOPY, "switched from pre-copy after round " + p.round()
              + " (policy postcopy): " + why)));
      case THROTTLE -> {
        int next = AutoConverge.next(m.cpuThrottlePercent());
        boolean roundsLeft = m.rounds().size() < m.spec().maxPrecopyRounds();
        yield next > 0 && roundsLeft
            ? enter(m, e, at, new PreCopy(p.round() + 1), b -> b.cpuThrottle(next))
            : enter(m, e, at, new FreezeAndDump(), b -> b.stopReason(why + "; freezing"
                + (m.cpuThrottlePercent() > 0 ? " with the CPU throttled to " + m.cpuThrottlePercent() + "% (auto-converge)" : "")
                + (roundsLeft ? ": the throttle is at its floor" : "")));
      }
    };
  }

  private Decision commit(Migration m, Event e, Instant at) {
    return switch (e) {
      case Committed c -> finish(m, e, at, new Done());
      case StepFailed(var failure) -> retryOr(m, e, at, failure, () -> finish(m, e, at,
          new Failed(stuck(m, failure, "the container runs on " + m.targetNode()
              + ", but removing the source copy failed"))));
      case Timeout(var step, var limit) -> {
        Failure f = new Failure.TimedOut(step, limit);
        yield retryOr(m, e, at, f, () -> finish(m, e, at, new Failed(stuck(m, f, "the container runs on "
            + m.targetNode() + ", but removing the source copy timed out"))));
      }
      default -> throw unreachable(m, e);
    };
  }

  private Decision rollingBack(Migration m, RollingBack r, Event e, Instant at) {
    return switch (e) {
      case RollbackCompleted done -> finish(m, e, at, new RolledBack(r.cause()));
      case StepFailed(var failure) -> retryOr(m, e, at, failure, rollbackRetry, () -> finish(m, e, at,
          new Failed(stuck(m, failure, "rollback after '" + r.cause().message() + "' failed"))));
      case Timeout(var step, var limit) -> {
        Failure f = new Failure.TimedOut(step, limit);
        yield retryOr(m, e, at, f, rollbackRetry, () -> finish(m, e, at,
            new Failed(stuck(m, f, "rollback after '" + r.cause().message() + "' timed out"))));
      }
      default -> throw unreachable(m, e);
    };
  }

  /** Cancel, timeout and non-retryable failures before commit all roll back the same way. */
  private Decision beforeCommit(Migration m, Event e, Instant at, Supplier<Decision> specific) {
    return switch (e) {
      case CancelRequested(var reason) -> rollBack(m, e, at, new Failure.Cancelled(reason));
      case Timeout(var step, var limit) -> rollBack(m, e, at, new Failure.TimedOut(step, limit));
      case StepFailed(var failure) when !(m.phase() instanceof PrepareTarget || m.phase() instanceof Verify) ->
          rollBack(m, e, at, failure);
      default -> specific.get();
    };
  }

  private Decision rollBack(Migration m, Event e, Instant at, Failure cause) {
    return enter(m, e, at, new RollingBack(cause), b -> b.failure(cause));
  }

  private Decision retryOr(Migration m, Event e, Instant at, Failure failure, Supplier<Decision> otherwise) {
    return retryOr(m, e, at, failure, retry, otherwise);
  }

  private Decision retryOr(Migration m, Event e, Instant at, Failure failure, RetryPolicy policy,
      Supplier<Decision> otherwise) {
    List<Command> again = stepCommands(m);
    boolean idempotent = again.stream().allMatch(Command::idempotent);
    var backoff = idempotent ? policy.backoff(m.attempt(), failure) : java.util.Optional.<Duration>empty();
    if (backoff.isEmpty()) {
      return otherwise.get();
    }
    Migration next = m.toBuilder().attempt(m.attempt() + 1).updatedAt(at)
        .record(new PhaseChange(m.phase(), m.phase(), e.label(), "retry " + (m.attempt() + 1) + " after: "
            + failure.message(), at))
        .build();
    return new Decision(next, again, backoff.get());
  }

  private static Decision enter(Migration m, Event e, Instant at, Phase to,
      java.util.function.Consumer<Migration.Builder> changes) {
    Migration.Builder b = m.toBuilder().phase(to).attempt(0).updatedAt(at)
        .record(new PhaseChange(m.phase(), to, e.label(), detail(e), at));
    changes.accept(b);
    Migration next = b.build();
    return new Decision(next, stepCommands(next), Duration.ZERO);
  }

  private static Decision finish(Migration m, Event e, Instant at, Phase terminal) {
    Failure cause = switch (terminal) {
      case RolledBack(var c) -> c;
      case Failed(var c) -> c;
      default -> m.failure();
    };
    return enter(m, e, at, terminal, b -> b.failure(cause));
  }

  private static Failure stuck(Migration m, Failure f, String what) {
    return new Failure.StepRejected(f.reason(), "", what + ": " + f.message(), "");
  }

  private static boolean postcopy(Migration m) {
    return m.strategy() != null && m.strategy().strategy() == Strategy.POSTCOPY;
  }

  private static MigrationStats withBytesDone(MigrationStats s, long bytes) {
    return s.withBytesDone(bytes);
  }

  private static MigrationStats restored(Migration m, Duration took, Instant resumedAt, ClockJumps jumps) {
    MigrationStats s = m.stats();
    Instant frozen = m.artifacts().frozenAt();
    Duration blackout = frozen == null || resumedAt == null ? null : Duration.between(frozen, resumedAt);
    return new MigrationStats(s.bytesDone(), s.bytesRaw(), s.bytesOnWire(), took, resumedAt, blackout, jumps,
        s.clockSkew());
  }

  private static String detail(Event e) {
    return switch (e) {
      case Admitted(var target, var reason) -> "target " + target + (reason.isEmpty() ? "" : ": " + reason);
      case PreflightPassed(var summary, var choice, var skew) -> choice.strategy() + ": " + choice.reason()
          + (skew == null || skew.warning().isEmpty() ? "" : "; " + skew.warning());
      case PreflightFailed(var f) -> f.reason() + ": " + f.message();
      case StepFailed(var f) -> f.reason() + ": " + f.message();
      case CancelRequested(var reason) -> reason;
      case Timeout(var step, var limit) -> step + " exceeded " + limit.toMillis() + " ms";
      case RoundDumped(var r) -> "round " + r.round() + ": " + r.dirtyBytes() + " bytes"
          + (r.cpuThrottlePercent() > 0 ? ", CPU throttled to " + r.cpuThrottlePercent() + "%" : "");
      case TargetPrepared(var image, var token, var raw, var wire) -> raw < 0
          ? "no first pass of the root filesystem (the source's agent predates it): all of it travels after the freeze"
          : "root filesystem's first pass, while the container runs: " + raw + " bytes, " + wire + " on the wire";
      case TransferCompleted(var raw, var wire) -> raw + " bytes, " + wire + " on the wire";
      case Resumed(var held, var limit) -> "held " + held.toMillis() + " ms with no leader able to write etcd "
          + "(hold limit " + limit.toMillis() + " ms); step issued again";
      default -> "";
    };
  }

  private static IllegalStateException unreachable(Migration m, Event e) {
    return new IllegalStateException("Transitions.TABLE accepts " + m.phase().label() + " + " + e.label()
        + " but MigrationMachine has no case for it");
  }
}
