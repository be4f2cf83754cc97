package dev.ferry.agent.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.checkpoint.Admissions;
import dev.ferry.agent.checkpoint.PreDumpStep;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.transfer.TransferException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentAdmissionTest {
  @TempDir
  Path state;

  @Test
  void preCopyRoundsKeepTheirNamesSoTheFinalImagesFindTheirParentChain() {
    NodeLayout layout = new NodeLayout(state);
    Admissions admissions = new Admissions(state.resolve("admissions"));
    Admissions.Admission a = admissions.open("m-1", "ct42", "nodeA", "final");
    AgentAdmission admission = new AgentAdmission(layout, admissions);
    ContainerId ct = new ContainerId("ct42");

    assertThat(admission.admit("m-1", a.token(), "nodeA", AgentAdmission.images(PreDumpStep.roundImage(1))))
        .isEqualTo(layout.images(ct, "round-1"));
    assertThat(admission.admit("m-1", a.token(), "nodeA", AgentAdmission.images(PreDumpStep.roundImage(6))))
        .isEqualTo(layout.images(ct, "round-6"));
    assertThat(admission.admit("m-1", a.token(), "nodeA", AgentAdmission.images("final")))
        .isEqualTo(layout.images(ct, "final"));
    // Any other name lands in the announced slot, never where the source says.
    assertThat(admission.admit("m-1", a.token(), "nodeA", AgentAdmission.images("../../etc")))
        .isEqualTo(layout.images(ct, "final"));
    assertThat(admission.admit("m-1", a.token(), "nodeA", AgentAdmission.images("round-0")))
        .isEqualTo(layout.images(ct, "final"));
    assertThat(admission.admit("m-1", a.token(), "nodeA", AgentAdmission.ROOTFS)).isEqualTo(layout.rootfs(ct));
    assertThatThrownBy(() -> admission.admit("m-1", a.token(), "nodeC", AgentAdmission.images("round-1")))
        .isInstanceOf(TransferException.class);
  }
}
