package dev.ferry.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FerryTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Method resolve(String... args) {
    return Ferry.resolve(args, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void eachComponentIsDispatchedToItsOwnMain() {
    assertThat(resolve("coordinator").getDeclaringClass().getName()).isEqualTo("dev.ferry.coordinator.CoordinatorMain");
    assertThat(resolve("agent", "--node", "n1").getDeclaringClass().getName()).isEqualTo("dev.ferry.agent.AgentMain");
    assertThat(resolve("migrate", "nodes").getDeclaringClass().getName()).isEqualTo("dev.ferry.cli.MigrateMain");
  }

  @Test
  void certsIsTheOperatorClientsCertsSubcommand() {
    assertThat(resolve("certs", "ca").getDeclaringClass().getName()).isEqualTo("dev.ferry.cli.MigrateMain");
    assertThat(Ferry.argsFor(new String[] {"certs", "issue", "--out", "d"})).containsExactly("certs", "issue", "--out", "d");
    assertThat(Ferry.argsFor(new String[] {"migrate", "nodes"})).containsExactly("nodes");
  }

  @Test
  void anUnknownCommandIsNamedAndTheCommandsListed() {
    assertThat(resolve("teleport")).isNull();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'teleport'", "coordinator", "agent", "migrate");
  }

  @Test
  void aCommandWhoseComponentIsNotBuiltSaysSo() {
    Ferry.COMMANDS.forEach((command, target) -> {
      boolean present;
      try {
        Class.forName(target.className());
        present = true;
      } catch (ClassNotFoundException e) {
        present = false;
      }
      if (!present) {
        assertThat(resolve(command)).isNull();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'" + command + "' is not part of this build");
      }
    });
  }
}
