package dev.ferry.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemProcessRunnerTest {
  private final ProcessRunner runner = new SystemProcessRunner();

  @Test
  void capturesExitCodeOutputAndDuration() {
    ProcessResult r = runner.run(ProcessSpec.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.duration()).isPositive();
    assertThat(r.succeeded()).isFalse();
  }

  @Test
  void failureBecomesTypedErrorWithCommandAndStderr() {
    assertThatThrownBy(() -> runner.runChecked(ProcessSpec.of("sh", "-c", "echo broken pipe >&2; exit 2")))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("`sh -c echo broken pipe >&2; exit 2` exited with code 2: broken pipe")
        .satisfies(e -> assertThat(((CommandFailedException) e).result().exitCode()).isEqualTo(2));
  }

  @Test
  void timeoutTerminatesTheProcess() {
    ProcessResult r = runner.run(ProcessSpec.of("sleep", "30").withTimeout(Duration.ofMillis(300)));
    assertThat(r.timedOut()).isTrue();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(r.duration()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void programThatDoesNotExistIsACommandFailure() {
    assertThatThrownBy(() -> runner.run(ProcessSpec.of("/nonexistent/ferry-nothing")))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("cannot start");
  }

  @Test
  void outputCanGoToAFileForProcessesThatOutliveTheCall(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("out.log");
    ProcessResult r = runner.run(ProcessSpec.of("sh", "-c", "echo to-file; echo err-too >&2").withStdoutFile(log));
    assertThat(Files.readString(log)).contains("to-file", "err-too");
    assertThat(r.stdout()).contains("to-file");
  }

  @Test
  void startedProcessCanBeStopped() {
    try (RunningProcess p = runner.start(ProcessSpec.of("sleep", "30").withTimeout(Duration.ofMinutes(1)))) {
      assertThat(p.isAlive()).isTrue();
      assertThat(p.await(Duration.ofMillis(100))).isEmpty();
      p.stop();
      assertThat(p.isAlive()).isFalse();
    }
  }

  @Test
  void tailsKeepTheLastLines() {
    assertThat(Tails.lastLines("a\nb\nc\n", 2)).isEqualTo("b\nc");
    assertThat(Tails.lastLines("a\nb", 5)).isEqualTo("a\nb");
    assertThat(Tails.lastLines("", 3)).isEmpty();
    assertThat(List.of(Tails.lastLines("x\ny\nz", 1))).containsExactly("z");
  }
}
