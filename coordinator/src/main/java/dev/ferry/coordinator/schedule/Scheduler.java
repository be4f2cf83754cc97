package dev.ferry.coordinator.schedule;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * The queue of migrations waiting for a slot. Pure: the caller says what is running and how to
 * place a migration without a target; the scheduler answers which pending ones start now. A
 * migration that does not fit yet does not block lower-priority ones that do.
 */
public final class Scheduler {
  private static final Comparator<Pending> ORDER = Comparator.comparingInt(Pending::priority).reversed()
      .thenComparingLong(Pending::sequence);

  private final Limits limits;
  private final PriorityQueue<Pending> queue = new PriorityQueue<>(ORDER);

  public record Admission(Pending pending, String target) {}

  public Scheduler(Limits limits) {
    this.limits = limits;
  }

  public synchronized void enqueue(Pending p) {
    queue.removeIf(q -> q.migrationId().equals(p.migrationId()));
    queue.add(p);
  }

  /** Removes a queued migration; false if it was not queued (running, finished or unknown). */
  public synchronized boolean remove(String migrationId) {
    return queue.removeIf(p -> p.migrationId().equals(migrationId));
  }

  public synchronized List<Pending> pending() {
    List<Pending> all = new ArrayList<>(queue);
    all.sort(ORDER);
    return all;
  }

  /**
   * Takes every pending migration that fits the limits given what runs now, in priority order.
   *
   * @param place a target for a migration without one, or empty if none fits now
   */
  public synchronized List<Admission> admit(Collection<Running> running, Function<Pending, Optional<String>> place) {
    Map<String, Integer> out = new HashMap<>();
    Map<String, Integer> in = new HashMap<>();
    for (Running r : running) {
      out.merge(r.source(), 1, Integer::sum);
      in.merge(r.target(), 1, Integer::sum);
    }
    int total = running.size();
    List<Admission> admitted = new ArrayList<>();
    for (Pending p : pending()) {
      if (total >= limits.cluster()) {
        break;
      }
      if (out.getOrDefault(p.source(), 0) >= limits.outboundPerNode()) {
        continue;
      }
      Optional<String> target = p.target().isEmpty() ? place.apply(p) : Optional.of(p.target());
      if (target.isEmpty() || in.getOrDefault(target.get(), 0) >= limits.inboundPerNode()) {
        continue;
      }
      out.merge(p.source(), 1, Integer::sum);
      in.merge(target.get(), 1, Integer::sum);
      total++;
      queue.remove(p);
      admitted.add(new Admission(p, target.get()));
    }
    return admitted;
  }
}
