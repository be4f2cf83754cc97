package dev.ferry.agent.criu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuConfigTest {
  @TempDir
  Path dir;

  @Test
  void aLazyRestoreWithAClockGateIsOneFile() throws IOException {
    var env = CriuConfig.NONE.withLazyPages().withActionScript(dir.resolve("gate.sh")).writeTo(dir.resolve("criu.conf"));
    assertThat(env).containsExactly(java.util.Map.entry(CriuConfig.ENV, dir.resolve("criu.conf").toString()));
    assertThat(Files.readString(dir.resolve("criu.conf"))).isEqualTo("lazy-pages\naction-script " + dir.resolve("gate.sh") + "\n");
  }

  @Test
  void aLazyDumpServesPagesOnItsAddress() throws IOException {
    CriuConfig.lazyDump("198.18.0.1", 27000).writeTo(dir.resolve("dump.conf"));
    assertThat(Files.readString(dir.resolve("dump.conf"))).isEqualTo("lazy-pages\naddress 198.18.0.1\nport 27000\n");
  }

  @Test
  void nothingToSayWritesNothing() {
    assertThat(CriuConfig.NONE.writeTo(dir.resolve("none.conf"))).isEmpty();
    assertThat(dir.resolve("none.conf")).doesNotExist();
  }
}
