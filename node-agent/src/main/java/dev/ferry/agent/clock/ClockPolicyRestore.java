package dev.ferry.agent.clock;

import dev.ferry.agent.criu.CriuConfig;
import dev.ferry.agent.runtime.TimeOffsets;
import dev.ferry.process.ProcessRunner;
import dev.ferry.timesync.ClockPolicy;
import dev.ferry.timesync.ClockReading;
import dev.ferry.timesync.CriuLogTimes;
import dev.ferry.timesync.DumpedClocks;
import dev.ferry.timesync.OffsetCorrection;
import dev.ferry.timesync.RestoreLags;
import dev.ferry.timesync.TimensImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a clock policy to a {@code crun restore} (OffsetCorrection's exact variant): a
 * {@link TimensFeeder} hands CRIU the corrected clocks the instant it reads them, and a
 * {@link ResumeGate} holds the restored tasks until one resume budget after CRIU set the offsets,
 * so paused clocks read their freeze values at resume. Anything that goes wrong falls back to
 * CRIU's plain behaviour (the recorded clocks, no hold), with the reason logged and reported;
 * the policy never fails a restore.
 */
public final class ClockPolicyRestore {
  private static final Logger log = LoggerFactory.getLogger(ClockPolicyRestore.class);
  /** How much longer than its budget a gate may hold before its script gives up on the agent. */
  private static final Duration GATE_SLACK = Duration.ofSeconds(10);

  private final ProcessRunner runner;
  private final HostClock host;
  private final ResumeBudget budgets;

  public ClockPolicyRestore(ProcessRunner runner, HostClock host, ResumeBudget budgets) {
    this.runner = runner;
    this.host = host;
    this.budgets = budgets;
  }

  /**
   * Sets up the feeder and the gate before {@code crun restore}.
   *
   * @param frozenAt the source's freeze on this host's realtime clock; null: as the dump recorded it
   *                 (the source's realtime, taken as this host's)
   */
  public Session prepare(ClockPolicy policy, Path images, Path work, long imageBytes, Instant frozenAt) {
    FreezeRecord freeze;
    DumpedClocks dumped;
    try {
      freeze = FreezeRecord.read(images);
      dumped = freeze.dumped(TimensImage.read(TimensImage.locate(images)).clocks());
    } catch (RuntimeException e) {
      return fallback(policy, work, null, null, 0, "the images carry no usable clock record: " + e.getMessage());
    }
    long freezeMono = host.monotonicAtRealtime(frozenAt != null ? frozenAt : freeze.frozenAt());
    RestoreLags lags = new RestoreLags(Duration.ZERO, budgets.forImage(imageBytes));
    Duration hold = OffsetCorrection.resumeHold(policy, lags);
    TimensFeeder feeder = null;
    try {
      feeder = TimensFeeder.start(runner, images, host,
          opened -> OffsetCorrection.compute(policy, dumped, Duration.ofNanos(opened - freezeMono), lags).image());
      TimensFeeder fed = feeder;
      ResumeGate gate = hold.isZero() ? null
          : ResumeGate.open(runner, work, hold.plus(GATE_SLACK), host, reached -> releaseAt(fed, work, reached, hold));
      return new Session(policy, work, imageBytes, dumped, freeze, freezeMono, hold, feeder, gate, null);
    } catch (IOException | RuntimeException e) {
      if (feeder != null) {
        feeder.close();
      }
      return fallback(policy, work, dumped, freeze, freezeMono, "the clock feeder or resume gate could not be set up: " + e.getMessage());
    }
  }

  private Session fallback(ClockPolicy policy, Path work, DumpedClocks dumped, FreezeRecord freeze, long freezeMono, String why) {
    log.warn("clock policy {} not applied, CRIU restores the clocks it recorded: {}", policy, why);
    return new Session(policy, work, 0, dumped, freeze, freezeMono, Duration.ZERO, null, null, why);
  }

  /** Release at one hold after CRIU set the offsets: the image value minus the offset in its log is that instant. */
  private long releaseAt(TimensFeeder feeder, Path work, long reached, Duration hold) {
    if (!feeder.handedOver()) {
      return reached;
    }
    TimensFeeder.HandOver h;
    try {
      h = feeder.awaitHandOver(Duration.ZERO);
    } catch (Exception e) {
      return reached;
    }
    if (h.fallback() != null) {
      return reached;
    }
    long offsetsSet;
    try {
      offsetsSet = h.values().monotonic().minus(onAgentClock(CriuLogTimes.monotonicOffset(CriuLogTimes.lines(work.resolve("restore.log"))))).toNanos();
    } catch (RuntimeException e) {
      offsetsSet = h.atMonotonic();
    }
    return offsetsSet + hold.toNanos();
  }

  /**
   * A restored namespace's monotonic offset (relative to the host's clock, as the kernel keeps it)
   * relative to this agent's clock instead, which differs when the agent runs in a time namespace.
   */
  private static Duration onAgentClock(Duration hostOffset) {
    return hostOffset.minus(AgentTimeNamespace.offsets().monotonic());
  }

  /** One restore's clock policy: the CRIU options it needs, then what it measured. */
  public final class Session implements AutoCloseable {
    private final ClockPolicy policy;
    private final Path work;
    private final long imageBytes;
    private final DumpedClocks dumped;
    private final FreezeRecord freeze;
    private final long freezeMono;
    /** Just before crun restore starts: how long crun and CRIU take to reach the timens image shows the node's load. */
    private final long preparedAt = host.monotonicNanos();
    private final Duration hold;
    private final TimensFeeder feeder;
    private final ResumeGate gate;
    private final String fallback;

    private Session(ClockPolicy policy, Path work, long imageBytes, DumpedClocks dumped, FreezeRecord freeze, long freezeMono,
        Duration hold, TimensFeeder feeder, ResumeGate gate, String fallback) {
      this.policy = policy;
      this.work = work;
      this.imageBytes = imageBytes;
      this.dumped = dumped;
      this.freeze = freeze;
      this.freezeMono = freezeMono;
      this.hold = hold;
      this.feeder = feeder;
      this.gate = gate;
      this.fallback = fallback;
    }

    /** The restore's CRIU configuration with this session's action script added. */
    public CriuConfig config(CriuConfig base) {
      return gate == null ? base : base.withActionScript(gate.script());
    }

    /**
     * After a successful restore: the jumps the container's clocks made, from the values CRIU
     * was handed, CRIU's restore log and the restored task's namespace offsets.
     */
    public ClockJumps finish(Optional<TimeOffsets> restored) {
      String why = fallback;
      ClockReading handed = dumped == null ? null : dumped.recorded();
      long handedAt = 0;
      if (feeder != null) {
        try {
          TimensFeeder.HandOver h = feeder.awaitHandOver(Duration.ofSeconds(1));
          handed = h.values();
          handedAt = h.atMonotonic();
          why = h.fallback();
        } catch (Exception e) {
          why = "CRIU never read the timens image";
          handed = dumped.recorded();
        }
      }
      close();
      if (why != null) {
        log.warn("clock policy {} fell back to CRIU's plain behaviour: {}", policy, why);
      }
      if (dumped == null || freeze == null) {
        return new ClockJumps(policy, null, null, null, null, why);
      }
      try {
        List<String> restoreLog = CriuLogTimes.lines(work.resolve("restore.log"));
        Duration untilResume = CriuLogTimes.untilResume(restoreLog);
        Duration offset = onAgentClock(restored.map(TimeOffsets::monotonic).orElseGet(() -> CriuLogTimes.monotonicOffset(restoreLog)));
        long offsetsSet = handed.monotonic().minus(offset).toNanos();
        long resumed = offsetsSet + untilResume.toNanos();
        ClockReading frozen = dumped.atFreeze();
        Duration mono = handed.monotonic().plus(untilResume).minus(frozen.monotonic());
        Duration boot = handed.boottime().plus(untilResume).minus(frozen.boottime());
        Duration blackout = Duration.ofNanos(resumed - freezeMono);
        Duration realtime = Duration.ofNanos(host.realtimeAtMonotonic(resumed) - freeze.frozenAtEpochNanos());
        Optional<ResumeGate.Passage> passage = gate == null ? Optional.empty() : gate.passage();
        passage.ifPresent(p -> budgets.observe(imageBytes, Duration.ofNanos(p.reached() - offsetsSet)));
        log.info("clock policy {}{}: blackout {} ms; container jumps monotonic {} ms, boottime {} ms, realtime {} ms; "
                + "record lag {} ms, CRIU read the image {} ms after the freeze ({} ms after the restore was prepared) "
                + "and set the offsets {} ms later, "
                + "pre-resume reached {} ms after that (hold {} ms), resumed {} ms after the offsets ({} ms after the release)",
            policy, why == null ? "" : " (fallback)", ms(blackout), ms(mono), ms(boot), ms(realtime), ms(freeze.recordLag()),
            handedAt == 0 ? "?" : ms(Duration.ofNanos(handedAt - freezeMono)),
            handedAt == 0 ? "?" : ms(Duration.ofNanos(handedAt - preparedAt)), handedAt == 0 ? "?" : ms(Duration.ofNanos(offsetsSet - handedAt)),
            passage.map(p -> ms(Duration.ofNanos(p.reached() - offsetsSet))).orElse("?"), ms(hold), ms(untilResume),
            passage.map(p -> ms(Duration.ofNanos(resumed - p.released()))).orElse("?"));
        return new ClockJumps(policy, mono, boot, realtime, blackout, why);
      } catch (RuntimeException e) {
        log.warn("could not measure the clock jumps of the restore in {}: {}", work, e.getMessage());
        return new ClockJumps(policy, null, null, null, null, why != null ? why : "jumps not measured: " + e.getMessage());
      }
    }

    /** Undoes the setup: unblocks the feeder and the gate, puts the recorded timens image back. Idempotent. */
    @Override
    public void close() {
      if (gate != null) {
        gate.close();
      }
      if (feeder != null) {
        feeder.close();
      }
    }
  }

  private static String ms(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3f", d.toNanos() / 1e6);
  }
}
