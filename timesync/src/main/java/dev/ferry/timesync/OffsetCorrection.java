package dev.ferry.timesync;

import java.time.Duration;
import java.util.Objects;

/**
 * Computes the clocks to write into CRIU's timens image so that a restored container's
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME follow a {@link ClockPolicy}.
 *
 * <p>The model. Instants on one time line (the target's CLOCK_MONOTONIC; source instants are
 * mapped onto it with the probed {@link ClockOffset}):
 * <ul>
 *   <li>t_f: the source freezes the container (CRIU's freezer cgroup reaches FROZEN);
 *   <li>t_r: CRIU reads the container's clocks into the image, R = C(t_r). It does so after
 *       dumping memory ("Dump TIME namespace" in dump.log), so R is ahead of the clocks at the
 *       freeze F by the record lag t_r - t_f: F = R - recordLag ({@link DumpedClocks});
 *   <li>t_w: now, the target rewrites the image;
 *   <li>t_s: CRIU on the target sets the new namespace's offsets so that C(t_s) = V, the image
 *       value ({@code prepare_timens}, early in the restore); from then on C(t) = V + (t - t_s)
 *       although the container does not run yet;
 *   <li>t_u: the restored tasks resume. The blackout is D = t_u - t_f.
 * </ul>
 * So the container reads V + (t_u - t_s) at resume. With the expected lags
 * σ = t_s - t_w and λ = t_u - t_s ({@link RestoreLags}) and the measured s = t_w - t_f:
 * D = s + σ + λ, and a clock that must pause gets V = F - λ (it reads F at resume), one that
 * must advance gets V = F + s + σ (it reads F + D at resume; λ cancels out).
 *
 * <p>Errors: a paused clock is off by λ's misestimate, an advancing one by σ's. Neither can go
 * backwards as long as λ is not overestimated: an advancing clock's image value is never below
 * F, a paused one's is F - λ and the clock runs for the real λ before the container sees it.
 * Uncorrected CRIU (V = R) leaks recordLag + λ into both clocks.
 *
 * <p>Exact variant (what the agent does): hand CRIU the image the moment it reads it (the image
 * is a FIFO, so t_w = t_s and σ = 0 up to microseconds) with λ set to a resume budget Λ, and hold
 * the restored tasks in CRIU's pre-resume hook until Λ after the hand-over
 * ({@link #resumeHold}). Then every policy holds exactly whenever the restore reaches
 * pre-resume within Λ; when it is later, the paused clocks move forward by the excess, never back.
 */
public final class OffsetCorrection {
  private OffsetCorrection() {}

  /**
   * @param sinceFreeze t_w - t_f: real time from the source's freeze to now, on the target
   */
  public static ClockCorrection compute(ClockPolicy policy, DumpedClocks dumped, Duration sinceFreeze, RestoreLags expected) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(dumped, "dumped");
    Objects.requireNonNull(sinceFreeze, "sinceFreeze");
    Objects.requireNonNull(expected, "expected");
    if (sinceFreeze.compareTo(dumped.recordLag()) < 0) {
      throw new IllegalArgumentException("the freeze was " + sinceFreeze + " ago but CRIU recorded the clocks "
          + dumped.recordLag() + " after it: the freeze instant or the probed clock offset is wrong");
    }
    ClockReading frozen = dumped.atFreeze();
    Duration blackout = sinceFreeze.plus(expected.untilOffsetsSet()).plus(expected.untilResume());
    Duration advanced = sinceFreeze.plus(expected.untilOffsetsSet());
    Duration paused = expected.untilResume().negated();
    ClockReading image = new ClockReading(
        nonNegative(frozen.monotonic().plus(policy.monotonicAdvances() ? advanced : paused), "monotonic"),
        nonNegative(frozen.boottime().plus(policy.boottimeAdvances() ? advanced : paused), "boottime"));
    ClockReading atResume = new ClockReading(
        frozen.monotonic().plus(policy.monotonicAdvances() ? blackout : Duration.ZERO),
        frozen.boottime().plus(policy.boottimeAdvances() ? blackout : Duration.ZERO));
    return new ClockCorrection(policy, image, frozen, atResume, blackout);
  }

  /**
   * How long after CRIU set the offsets the restored tasks must be held before they resume, so
   * that a paused clock reads exactly its freeze value: λ when some clock pauses, nothing under
   * {@link ClockPolicy#WALL} (its clocks run with real time anyway).
   */
  public static Duration resumeHold(ClockPolicy policy, RestoreLags expected) {
    return policy.monotonicAdvances() && policy.boottimeAdvances() ? Duration.ZERO : expected.untilResume();
  }

  private static Duration nonNegative(Duration value, String clock) {
    if (value.isNegative()) {
      throw new IllegalArgumentException("the corrected " + clock + " clock would be negative (" + value
          + "): the expected restore lag exceeds the container's clock");
    }
    return value;
  }
}
