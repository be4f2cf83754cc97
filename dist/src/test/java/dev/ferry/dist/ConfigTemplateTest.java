package dev.ferry.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed examples in deploy/config are what the package installs: regenerate them when a flag changes. */
class ConfigTemplateTest {
  @ParameterizedTest
  @ValueSource(strings = {"agent", "coordinator"})
  void theCommittedExampleIsTheTemplateOfTheComponentsFlags(String component) throws Exception {
    Path committed = Path.of("..", "deploy", "config", component + ".conf");
    assertThat(Files.readString(committed))
        .as("%s is stale: regenerate it with dist/target/ferry/runtime/bin/java -cp 'dist/target/ferry/lib/*' "
            + "dev.ferry.dist.ConfigTemplate %s > %s", committed, component, committed)
        .isEqualTo(ConfigTemplate.render(component));
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "coordinator"})
  void everyKeyIsDocumentedWithItsDefault(String component) throws Exception {
    String text = ConfigTemplate.render(component);
    assertThat(text).contains("# listen = ").contains("FERRY_" + component.toUpperCase() + "_<KEY>")
        .doesNotContain("${DEFAULT-VALUE}").doesNotContain("${env:")
        .contains("# tls-ca = /etc/ferry/tls/ca.crt").contains("# insecure =").doesNotContain("# config =").doesNotContain("# print-config =");
  }
}
