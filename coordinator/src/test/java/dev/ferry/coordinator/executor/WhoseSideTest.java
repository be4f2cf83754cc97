package dev.ferry.coordinator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coordinator.fsm.Command;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Reason;
import org.junit.jupiter.api.Test;

class WhoseSideTest {
  private static final Command.FinalizeOnSource ON_SOURCE = new Command.FinalizeOnSource("ct", "nodeA");
  private static final Command.AbortOnTarget ON_TARGET = new Command.AbortOnTarget("ct", "nodeB");

  @Test
  void anUnansweredSourceAgentIsTheSourcesFault() {
    Failure down = new Failure.Unreachable(Reason.TARGET_UNREACHABLE, "nodeA", "connection refused");
    assertThat(CommandRunner.whoseSide(down, ON_SOURCE).reason()).isEqualTo(Reason.SOURCE_UNREACHABLE);
  }

  @Test
  void theTargetAndAgentReportsKeepTheirReason() {
    Failure targetDown = new Failure.Unreachable(Reason.TARGET_UNREACHABLE, "nodeB", "connection refused");
    assertThat(CommandRunner.whoseSide(targetDown, ON_TARGET)).isSameAs(targetDown);
    Failure reported = new Failure.Unreachable(Reason.TRANSFER_FAILED, "nodeA", "target nodeB refused the stream");
    assertThat(CommandRunner.whoseSide(reported, ON_SOURCE)).isSameAs(reported);
  }
}
