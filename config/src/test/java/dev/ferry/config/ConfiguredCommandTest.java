package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ConfiguredCommandTest {
  @Command(name = "agent")
  static final class Agent implements Callable<Integer> {
    @Option(names = "--node", required = true) String node;
    @Option(names = "--listen", defaultValue = "0.0.0.0:7071") String listen;
    @Option(names = "--mtu", defaultValue = "1500") int mtu;
    @Option(names = "--register-interval", defaultValue = "PT2S") Duration registerInterval;
    @Option(names = "--etcd", split = ",") List<String> etcd = new ArrayList<>();
    boolean ran;

    @Override
    public Integer call() {
      ran = true;
      return 0;
    }
  }

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(Agent agent, Map<String, String> env, String... args) {
    CommandLine cmd = new CommandLine(agent).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    return new ConfiguredCommand(Component.named("agent"), env).execute(cmd, args);
  }

  private Path file(String text) throws Exception {
    return Files.writeString(dir.resolve("agent.conf"), text);
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFileWhichWinsOverDefaults() throws Exception {
    Path conf = file("# a comment\nnode = from-file\nlisten = 198.18.0.1:1\nmtu = 9000\netcd = http://a:1,http://b:2\n");
    Agent agent = new Agent();
    int code = run(agent, Map.of("FERRY_AGENT_LISTEN", "198.18.0.2:2"), "--config", conf.toString(), "--mtu", "1400");
    assertThat(code).as(err.toString()).isZero();
    assertThat(agent.ran).isTrue();
    assertThat(agent.node).isEqualTo("from-file");
    assertThat(agent.listen).isEqualTo("198.18.0.2:2");
    assertThat(agent.mtu).isEqualTo(1400);
    assertThat(agent.etcd).containsExactly("http://a:1", "http://b:2");
    assertThat(agent.registerInterval).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aRequiredFlagCanComeFromTheEnvironment() {
    Agent agent = new Agent();
    assertThat(run(agent, Map.of("FERRY_AGENT_NODE", "n1"))).as(err.toString()).isZero();
    assertThat(agent.node).isEqualTo("n1");
  }

  @Test
  void aMissingRequiredSettingSaysWhereToGiveIt() {
    assertThat(run(new Agent(), Map.of())).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option")
        .contains("give --node, set FERRY_AGENT_NODE, or write 'node = ...' in /etc/ferry/agent.conf");
  }

  @Test
  void theFileCanBeNamedByTheEnvironment() throws Exception {
    Path conf = file("node = n2\n");
    Agent agent = new Agent();
    assertThat(run(agent, Map.of("FERRY_AGENT_CONFIG", conf.toString()))).as(err.toString()).isZero();
    assertThat(agent.node).isEqualTo("n2");
  }

  @Test
  void anUnknownKeyNamesTheKeyTheFileAndTheLineAndNothingRuns() throws Exception {
    Path conf = file("node = n1\n\nlsiten = 1.2.3.4:5\n");
    Agent agent = new Agent();
    assertThat(run(agent, Map.of(), "--config", conf.toString())).isEqualTo(2);
    assertThat(agent.ran).isFalse();
    assertThat(err.toString()).contains("unknown key 'lsiten' in " + conf + " line 3")
        .contains("known keys: etcd, listen, mtu, node, register-interval");
  }

  @Test
  void anUnknownVariableWithTheComponentsPrefixIsAnError() {
    assertThat(run(new Agent(), Map.of("FERRY_AGENT_NODE", "n1", "FERRY_AGENT_NODES", "x", "FERRY_OTHER_X", "y"))).isEqualTo(2);
    assertThat(err.toString()).contains("unknown environment variable FERRY_AGENT_NODES").doesNotContain("FERRY_OTHER_X");
  }

  @Test
  void aBadValueInTheFileSaysWhereItWasWritten() throws Exception {
    Path conf = file("node = n1\nmtu = big\n");
    Agent agent = new Agent();
    assertThat(run(agent, Map.of(), "--config", conf.toString())).isEqualTo(2);
    assertThat(agent.ran).isFalse();
    assertThat(err.toString()).contains("'big' is not an int").contains("(set in " + conf + " line 2)");
  }

  @Test
  void malformedAndRepeatedLinesAreRejectedWithTheirLine() throws Exception {
    Path conf = file("node n1\n");
    assertThat(run(new Agent(), Map.of(), "--config", conf.toString())).isEqualTo(2);
    assertThat(err.toString()).contains(conf + " line 1: expected 'key = value'");
    Path twice = file("node = a\nnode = b\n");
    assertThat(run(new Agent(), Map.of(), "--config", twice.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("line 2: key 'node' is already set on line 1");
  }

  @Test
  void aMissingNamedFileIsAnError() {
    assertThat(run(new Agent(), Map.of(), "--config", dir.resolve("nope.conf").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("configuration file " + dir.resolve("nope.conf") + " does not exist");
  }

  @Test
  void printConfigShowsEveryValueWithItsOriginAndIsItselfAValidFile() throws Exception {
    Path conf = file("node = n1\nmtu = 9000\n");
    Agent agent = new Agent();
    int code = run(agent, Map.of("FERRY_AGENT_LISTEN", "198.18.0.2:2"), "--config", conf.toString(),
        "--register-interval", "PT5S", "--print-config");
    assertThat(code).as(err.toString()).isZero();
    assertThat(agent.ran).as("--print-config only prints").isFalse();
    String printed = out.toString();
    assertThat(printed).contains("# " + conf + " line 1\nnode = n1\n")
        .contains("# " + conf + " line 2\nmtu = 9000\n")
        .contains("# environment FERRY_AGENT_LISTEN\nlisten = 198.18.0.2:2\n")
        .contains("# command line\nregister-interval = PT5S\n")
        .contains("# not set\n# etcd =\n");
    Path reprinted = Files.writeString(dir.resolve("printed.conf"), printed);
    Agent again = new Agent();
    assertThat(run(again, Map.of(), "--config", reprinted.toString())).as(err.toString()).isZero();
    assertThat(again.listen).isEqualTo("198.18.0.2:2");
    assertThat(again.registerInterval).isEqualTo(Duration.ofSeconds(5));
  }
}
