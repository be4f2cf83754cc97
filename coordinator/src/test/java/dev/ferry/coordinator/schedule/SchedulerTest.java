package dev.ferry.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private long seq;

  private Pending p(String id, int prio, String src, String dst) {
    return new Pending(id, prio, seq++, src, dst);
  }

  private static List<String> ids(List<Scheduler.Admission> a) {
    return a.stream().map(x -> x.pending().migrationId()).toList();
  }

  @Test
  void higherPriorityFirstThenArrivalOrder() {
    Scheduler s = new Scheduler(new Limits(10, 10, 10));
    s.enqueue(p("low", 0, "a", "b"));
    s.enqueue(p("high", 5, "a", "c"));
    s.enqueue(p("low2", 0, "a", "d"));
    assertThat(s.pending()).extracting(Pending::migrationId).containsExactly("high", "low", "low2");
    assertThat(ids(s.admit(List.of(), x -> Optional.empty()))).containsExactly("high", "low", "low2");
    assertThat(s.pending()).isEmpty();
  }

  @Test
  void perNodeOutboundAndInboundLimitsHoldWithoutBlockingOthers() {
    Scheduler s = new Scheduler(Limits.DEFAULT);
    s.enqueue(p("a1", 9, "a", "x"));
    s.enqueue(p("a2", 9, "a", "y"));
    s.enqueue(p("a3", 9, "a", "z"));   // third out of a: waits
    s.enqueue(p("b1", 1, "b", "x"));   // x gets a second inbound
    s.enqueue(p("c1", 1, "c", "x"));   // third into x: waits
    var admitted = s.admit(List.of(), x -> Optional.empty());
    assertThat(ids(admitted)).containsExactly("a1", "a2", "b1");
    assertThat(s.pending()).extracting(Pending::migrationId).containsExactly("a3", "c1");
    List<Running> running = new ArrayList<>();
    admitted.forEach(x -> running.add(new Running(x.pending().migrationId(), x.pending().source(), x.target())));
    assertThat(s.admit(running, x -> Optional.empty())).isEmpty();
    running.removeFirst(); // a1 (a -> x) finished
    assertThat(ids(s.admit(running, x -> Optional.empty()))).containsExactly("a3", "c1");
  }

  @Test
  void theClusterLimitCapsEverythingInFlight() {
    Scheduler s = new Scheduler(new Limits(2, 2, 5));
    for (int i = 0; i < 8; i++) {
      s.enqueue(p("m" + i, 0, "src" + i, "dst" + i));
    }
    assertThat(s.admit(List.of(), x -> Optional.empty())).hasSize(5);
    assertThat(s.pending()).hasSize(3);
  }

  @Test
  void placementChoosesAtAdmissionAndANoFitWaits() {
    Scheduler s = new Scheduler(Limits.DEFAULT);
    s.enqueue(p("auto", 0, "a", ""));
    s.enqueue(p("nofit", 0, "b", ""));
    var admitted = s.admit(List.of(), x -> x.migrationId().equals("auto") ? Optional.of("c") : Optional.empty());
    assertThat(admitted).singleElement().extracting(Scheduler.Admission::target).isEqualTo("c");
    assertThat(s.pending()).extracting(Pending::migrationId).containsExactly("nofit");
  }

  @Test
  void cancellingAQueuedMigrationRemovesIt() {
    Scheduler s = new Scheduler(Limits.DEFAULT);
    s.enqueue(p("m", 0, "a", "b"));
    assertThat(s.remove("m")).isTrue();
    assertThat(s.remove("m")).isFalse();
    assertThat(s.admit(List.of(), x -> Optional.empty())).isEmpty();
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new Limits(0, 2, 5)).hasMessageContaining("outbound=0");
  }
}
