package dev.ferry.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The shared flags as a command sees them: a bad value is a usage error naming the flag, exit code 2. */
class ObserveOptionsTest {
  @Command(name = "server")
  static final class Server implements Callable<Integer> {
    @Mixin
    ObserveOptions observe = new ObserveOptions();

    @Override
    public Integer call() {
      try (Observability o = observe.start("ferry-test")) {
        return o.metricsAddress() == null ? 0 : o.metricsAddress().getPort() > 0 ? 0 : 1;
      }
    }
  }

  private static String run(int expectedExit, String... args) {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new Server()).setErr(new PrintWriter(err)).execute(args);
    assertThat(exit).as("exit code, stderr: %s", err).isEqualTo(expectedExit);
    return err.toString();
  }

  @Test
  void badValuesAreUsageErrorsThatNameTheFlag() {
    assertThat(run(2, "--otlp-endpoint", "collector:4318")).startsWith(
        "--otlp-endpoint must be an http:// or https:// URL, was 'collector:4318'");
    assertThat(run(2, "--metrics-listen", "9464")).startsWith("--metrics-listen must be host:port, was '9464'");
    assertThat(run(2, "--log-format", "xml")).startsWith("--log-format must be human or json, was 'xml'");
  }

  @Test
  void goodValuesStartMetricsAndTracing() {
    run(0, "--metrics-listen", "127.0.0.1:0", "--otlp-endpoint", "http://127.0.0.1:4318", "--log-format", "human");
    run(0);
  }
}
