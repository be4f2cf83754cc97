package dev.ferry.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The resume gate's thread under SCHED_FIFO and back, read from the kernel's own view of the thread. */
class RealtimePriorityTest {
  @Test
  void raisesOnlyTheCallingThreadAndPutsItBack() throws Exception {
    AtomicIntegerArray seen = new AtomicIntegerArray(3);
    Thread gate = Thread.ofPlatform().start(() -> {
      try (RealtimePriority raised = RealtimePriority.raise()) {
        assertThat(raised.raised()).as("the agent runs as root").isTrue();
        seen.set(0, SchedulingPolicy.ofCurrentThread());
        seen.set(1, SchedulingPolicy.ofProcess(ProcessHandle.current().pid())); // the JVM's main thread
      }
      seen.set(2, SchedulingPolicy.ofCurrentThread());
    });
    gate.join();
    assertThat(seen.get(0)).as("while raised").isEqualTo(SchedulingPolicy.SCHED_FIFO);
    assertThat(seen.get(1)).as("other threads").isEqualTo(SchedulingPolicy.SCHED_OTHER);
    assertThat(seen.get(2)).as("after close").isEqualTo(SchedulingPolicy.SCHED_OTHER);
  }
}
