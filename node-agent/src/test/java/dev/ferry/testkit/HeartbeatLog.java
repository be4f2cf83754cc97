package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The workload's heartbeat file, read as the judge of a migration: did the process continue
 * (sequence unbroken), did its memory stay intact (no verification errors), did its clocks
 * ever go backwards, and how long was the blackout (largest gap in realtime).
 */
public final class HeartbeatLog {
  private final List<Heartbeat> beats;

  private HeartbeatLog(List<Heartbeat> beats) {
    this.beats = List.copyOf(beats);
  }

  public static HeartbeatLog read(Path file) {
    try {
      List<Heartbeat> beats = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        // The last line may be half-written while the workload runs.
        if (line.startsWith("hb ") && line.split(" ").length == 9) {
          beats.add(Heartbeat.parse(line));
        }
      }
      return new HeartbeatLog(beats);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read heartbeats from " + file, e);
    }
  }

  public List<Heartbeat> beats() {
    return beats;
  }

  public int size() {
    return beats.size();
  }

  public Heartbeat last() {
    return beats.getLast();
  }

  /** Beats after a realtime instant (nanoseconds since the epoch). */
  public long countAfter(long realtimeNanos) {
    return beats.stream().filter(b -> b.realtimeNanos() > realtimeNanos).count();
  }

  /** Every consecutive pair has seq + 1: the same process kept going (a restart begins at 0). */
  public Optional<String> sequenceBreak() {
    for (int i = 1; i < beats.size(); i++) {
      if (beats.get(i).seq() != beats.get(i - 1).seq() + 1) {
        return Optional.of("seq " + beats.get(i - 1).seq() + " followed by " + beats.get(i).seq());
      }
    }
    return Optional.empty();
  }

  public Optional<String> clockWentBackwards() {
    for (int i = 1; i < beats.size(); i++) {
      Heartbeat a = beats.get(i - 1);
      Heartbeat b = beats.get(i);
      if (b.monotonicNanos() < a.monotonicNanos()) {
        return Optional.of("CLOCK_MONOTONIC went back " + (a.monotonicNanos() - b.monotonicNanos()) + " ns after seq " + a.seq());
      }
      if (b.boottimeNanos() < a.boottimeNanos()) {
        return Optional.of("CLOCK_BOOTTIME went back " + (a.boottimeNanos() - b.boottimeNanos()) + " ns after seq " + a.seq());
      }
    }
    return Optional.empty();
  }

  public long memoryErrors() {
    return beats.isEmpty() ? 0 : last().errors();
  }

  /** The blackout: the largest gap between consecutive beats in host realtime. */
  public Gap largestGap() {
    Gap worst = null;
    for (int i = 1; i < beats.size(); i++) {
      Gap g = Gap.between(beats.get(i - 1), beats.get(i));
      if (worst == null || g.realtime().compareTo(worst.realtime()) > 0) {
        worst = g;
      }
    }
    if (worst == null) {
      throw new IllegalStateException("fewer than two heartbeats: nothing to measure");
    }
    return worst;
  }

  /** How each clock moved across one gap between two consecutive beats. */
  public record Gap(Heartbeat before, Heartbeat after, Duration realtime, Duration monotonic, Duration boottime) {
    static Gap between(Heartbeat a, Heartbeat b) {
      return new Gap(a, b, Duration.ofNanos(b.realtimeNanos() - a.realtimeNanos()),
          Duration.ofNanos(b.monotonicNanos() - a.monotonicNanos()),
          Duration.ofNanos(b.boottimeNanos() - a.boottimeNanos()));
    }
  }
}
