package dev.ferry.coordinator.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Reason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AgentCallPolicyTest {
  private final AgentCallPolicy policy = new AgentCallPolicy(new AgentCallPolicy.Settings(3, Duration.ofMillis(5),
      2.0, 4, 50f, Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofSeconds(5)));
  private final AtomicInteger attempts = new AtomicInteger();

  private String failTimes(int n, Failure f) {
    if (attempts.incrementAndGet() <= n) {
      throw new AgentException(f);
    }
    return "ok";
  }

  private static final Failure DOWN = new Failure.Unreachable(Reason.TARGET_UNREACHABLE, "b", "connection refused");

  @Test
  void anUnreachableAgentIsRetriedForIdempotentCalls() {
    assertThat(policy.call("b", "GetCapabilities", true, Duration.ofSeconds(1), () -> failTimes(2, DOWN)))
        .isEqualTo("ok");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void aNonIdempotentCallIsNeverRepeated() {
    assertThatThrownBy(() -> policy.call("b", "Dump", false, Duration.ofSeconds(1), () -> failTimes(1, DOWN)))
        .isInstanceOf(AgentException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aRejectionIsNotRetried() {
    Failure criu = new Failure.StepRejected(Reason.CRIU_DUMP_FAILED, "b", "no", "");
    assertThatThrownBy(() -> policy.call("b", "Finalize", true, Duration.ofSeconds(1), () -> failTimes(5, criu)))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.failure()).isEqualTo(criu));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aSlowCallHitsItsTimeLimit() {
    assertThatThrownBy(() -> policy.call("b", "Restore", false, Duration.ofMillis(100), () -> {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "late";
    })).isInstanceOfSatisfying(AgentException.class, e -> {
      assertThat(e.failure()).isInstanceOf(Failure.TimedOut.class);
      assertThat(e.failure().message()).isEqualTo("Restore on b did not finish within 100 ms");
    });
  }

  @Test
  void theBreakerOpensForADeadAgentOnlyAndFailsFast() {
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> policy.call("dead", "Dump", false, Duration.ofSeconds(1), () -> failTimes(99, DOWN)))
          .isInstanceOf(AgentException.class);
    }
    int before = attempts.get();
    assertThatThrownBy(() -> policy.call("dead", "Dump", false, Duration.ofSeconds(1), () -> failTimes(99, DOWN)))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.failure().message())
            .contains("agent on dead failed repeatedly"));
    assertThat(attempts).hasValue(before);
    assertThat(policy.call("alive", "Dump", false, Duration.ofSeconds(1), () -> "fine")).isEqualTo("fine");
  }
}
