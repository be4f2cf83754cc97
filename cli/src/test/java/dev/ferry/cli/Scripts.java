package dev.ferry.cli;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.ferry.proto.v1.ClockJumps;
import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrationEvent;
import dev.ferry.proto.v1.MigrationStats;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.PrecopyRound;
import dev.ferry.proto.v1.Progress;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.proto.v1.Strategy;
import java.util.ArrayList;
import java.util.List;

/** Scripted migrations as the coordinator would stream them. */
final class Scripts {
  static final long MIB = 1024 * 1024;

  private Scripts() {}

  static Migration planned(String id) {
    return Migration.newBuilder()
        .setMigrationId(id)
        .setContainerId("ct42")
        .setSourceNode("node-a")
        .setTargetNode("node-b")
        .setPhase(Phase.PHASE_PLAN)
        .setRequestedStrategy(Strategy.STRATEGY_AUTO)
        .setClockPolicy(ClockPolicy.CLOCK_POLICY_SUSPEND)
        .setCreatedAt(Timestamp.newBuilder().setSeconds(1_760_000_000))
        .build();
  }

  static Migration done(String id) {
    return planned(id).toBuilder()
        .setPhase(Phase.PHASE_DONE)
        .setChosenStrategy(Strategy.STRATEGY_PRECOPY)
        .setStrategyReason("both nodes track dirty memory and 512.0 MiB will not fit a 300 ms blackout in one copy")
        .setStopReason("dirty set fits the downtime budget")
        .addRounds(PrecopyRound.newBuilder().setRound(1).setBytes(512 * MIB))
        .addRounds(PrecopyRound.newBuilder().setRound(2).setBytes(40 * MIB))
        .setFinishedAt(Timestamp.newBuilder().setSeconds(1_760_000_005))
        .setStats(MigrationStats.newBuilder()
            .setBlackout(millis(212))
            .setTotal(millis(4_800))
            .setBytesRaw(560 * MIB)
            .setBytesOnWire(190 * MIB)
            .setCompression("zstd")
            .setClockJumps(ClockJumps.newBuilder()
                .setMonotonic(millis(0))
                .setBoottime(millis(212))
                .setPolicy(ClockPolicy.CLOCK_POLICY_SUSPEND)))
        .build();
  }

  static Migration rolledBack(String id) {
    return planned(id).toBuilder()
        .setPhase(Phase.PHASE_ROLLED_BACK)
        .setChosenStrategy(Strategy.STRATEGY_STOPCOPY)
        .setError(FerryError.newBuilder()
            .setPhase(Phase.PHASE_FREEZE_AND_DUMP)
            .setReason(ReasonCode.CRIU_DUMP_FAILED)
            .setNode("node-a")
            .setMessage("criu dump exited 1; the container was thawed and keeps running on node-a")
            .setCriuLogTail("Error (criu/sk-unix.c:123): unix: Can't dump external socket"))
        .build();
  }

  /** The full phase sequence of a successful pre-copy migration, with growing byte counts. */
  static List<MigrationEvent> successfulRun(String id) {
    Migration base = planned(id);
    List<MigrationEvent> events = new ArrayList<>();
    events.add(event(base, Phase.PHASE_PLAN, Progress.getDefaultInstance()));
    events.add(event(base, Phase.PHASE_PREFLIGHT, Progress.getDefaultInstance()));
    events.add(event(base, Phase.PHASE_PREPARE_TARGET, progress(0, 8 * MIB, 32 * MIB, 64 * MIB)));
    events.add(event(base, Phase.PHASE_PRECOPY, progress(1, 128 * MIB, 512 * MIB, 0)));
    events.add(event(base, Phase.PHASE_PRECOPY, progress(1, 384 * MIB, 512 * MIB, 95 * MIB)));
    events.add(event(base, Phase.PHASE_PRECOPY, progress(2, 20 * MIB, 40 * MIB, 80 * MIB)));
    events.add(event(base, Phase.PHASE_FREEZE_AND_DUMP, Progress.getDefaultInstance()));
    events.add(event(base, Phase.PHASE_TRANSFER, progress(0, 6 * MIB, 8 * MIB, 120 * MIB)));
    events.add(event(base, Phase.PHASE_RESTORE, Progress.getDefaultInstance()));
    events.add(event(base, Phase.PHASE_VERIFY, Progress.getDefaultInstance()));
    events.add(event(base, Phase.PHASE_COMMIT, Progress.getDefaultInstance()));
    events.add(MigrationEvent.newBuilder().setMigration(done(id)).setMessage("done").build());
    return events;
  }

  static MigrationEvent event(Migration base, Phase phase, Progress progress) {
    return MigrationEvent.newBuilder()
        .setMigration(base.toBuilder().setPhase(phase).setProgress(progress.toBuilder().setPhase(phase)))
        .setAt(Timestamp.newBuilder().setSeconds(1_760_000_001))
        .build();
  }

  static Progress progress(int round, long done, long total, long rate) {
    return Progress.newBuilder()
        .setPrecopyRound(round)
        .setBytesDone(done)
        .setBytesTotal(total)
        .setRateBytesPerSecond(rate)
        .build();
  }

  static Duration millis(long ms) {
    return Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
  }
}
