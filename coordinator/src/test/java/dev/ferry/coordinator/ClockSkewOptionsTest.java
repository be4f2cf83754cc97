package dev.ferry.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.timesync.SkewGuard;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --clock-skew-bound and --clock-skew-action: defaults, parsing, and a precise error for nonsense. */
class ClockSkewOptionsTest {

  @Test
  void defaultsRefuseAbove100Ms() {
    CoordinatorMain main = new CoordinatorMain();
    new CommandLine(main).parseArgs();

    assertThat(main.clockSkewBound).isEqualTo(Duration.ofMillis(100));
    assertThat(main.clockSkewAction).isEqualTo(SkewGuard.Mode.REFUSE);
  }

  @Test
  void parsesABoundAndWarn() {
    CoordinatorMain main = new CoordinatorMain();
    new CommandLine(main).parseArgs("--clock-skew-bound", "PT0.25S", "--clock-skew-action", "WARN");

    assertThat(main.clockSkewBound).isEqualTo(Duration.ofMillis(250));
    assertThat(main.clockSkewAction).isEqualTo(SkewGuard.Mode.WARN);
  }

  @Test
  void anUnknownActionIsRefusedNamingTheChoices() {
    CommandLine cmd = new CommandLine(new CoordinatorMain());

    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> cmd.parseArgs("--clock-skew-action", "ignore")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("expected refuse or warn, got 'ignore'");
  }
}
