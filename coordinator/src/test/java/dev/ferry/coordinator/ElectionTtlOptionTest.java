package dev.ferry.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --election-ttl: 5 s unless set, and a lease etcd cannot grant is a usage error before anything starts. */
class ElectionTtlOptionTest {

  @Test
  void defaultsToFiveSecondsAndParsesALongerOne() {
    CoordinatorMain defaults = new CoordinatorMain();
    new CommandLine(defaults).parseArgs();
    CoordinatorMain slowHost = new CoordinatorMain();
    new CommandLine(slowHost).parseArgs("--election-ttl", "PT30S");

    assertThat(defaults.electionTtl).isEqualTo(Duration.ofSeconds(5));
    assertThat(slowHost.electionTtl).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aLeaseShorterThanTwoSecondsIsRefusedBeforeEtcdOrTheServerStart() {
    CoordinatorMain main = new CoordinatorMain();
    // No --etcd: a start that got past the check would launch an embedded etcd.
    new CommandLine(main).parseArgs("--insecure", "--election-ttl", "PT1S");

    assertThat(catchThrowable(main::start)).isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("election-ttl must be at least 2 s, was PT1S");
  }
}
