package dev.ferry.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdmissionsTest {
  @TempDir Path dir;

  @Test
  void anAgentRestartedMidTransferStillAdmitsTheSource() throws Exception {
    var opened = new Admissions(dir).open("m-1", "ct42", "nodeA", "final");
    Admissions restarted = new Admissions(dir);
    assertThat(restarted.match("m-1", opened.token(), "nodeA")).contains(opened);
    assertThat(restarted.match("m-1", opened.token(), "nodeC")).as("another source").isEmpty();
    assertThat(restarted.match("m-1", "forged", "nodeA")).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("m-1.json")))).isEqualTo("rw-------");

    restarted.close("m-1");
    assertThat(new Admissions(dir).match("m-1", opened.token(), "nodeA")).isEmpty();
    assertThat(dir.resolve("m-1.json")).doesNotExist();
  }
}
