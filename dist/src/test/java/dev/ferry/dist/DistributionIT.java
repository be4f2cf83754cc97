package dev.ferry.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package mvn package built (dist/target/ferry_*.deb), taken apart and run: its file list, its
 * control data, the launcher on the trimmed runtime, and the systemd units checked by systemd itself.
 */
class DistributionIT {
  private static final ProcessRunner runner = new SystemProcessRunner();
  @TempDir static Path root;
  static Path deb;
  static List<String> files;

  @BeforeAll
  static void unpack() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      deb = s.filter(p -> p.getFileName().toString().matches("ferry_.*_amd64\\.deb")).findFirst().orElseThrow();
    }
    // "-rwxr-xr-x root/root 589 2026-11-24 19:22 ./opt/ferry/bin/ferry" → "./opt/ferry/bin/ferry"
    files = Arrays.stream(run("dpkg-deb", "-c", deb.toString()).stdout().split("\n"))
        .map(l -> l.replaceFirst("^\\S+\\s+\\S+\\s+\\d+\\s+\\S+\\s+\\S+\\s+", "")).toList();
    run("dpkg-deb", "-x", deb.toString(), root.toString());
    System.out.printf("package %s: %d MiB, %d entries; installed: runtime %s, lib %s%n", deb.getFileName(),
        Files.size(deb) >> 20, files.size(), du(root.resolve("opt/ferry/runtime")), du(root.resolve("opt/ferry/lib")));
  }

  private static ProcessResult run(String... argv) {
    return runner.run(ProcessSpec.of(argv)).orThrow();
  }

  private static String du(Path p) {
    return run("du", "-sh", p.toString()).stdout().split("\\s")[0];
  }

  private static ProcessResult ferry(Map<String, String> env, String... args) {
    String[] argv = Stream.concat(Stream.of(root.resolve("opt/ferry/bin/ferry").toString()), Arrays.stream(args))
        .toArray(String[]::new);
    return runner.run(ProcessSpec.of(argv).withEnv(env));
  }

  @Test
  void thePackageHoldsTheLauncherTheRuntimeTheUnitsAndTheConfiguration() {
    assertThat(files).contains("./opt/ferry/bin/ferry", "./opt/ferry/runtime/bin/java", "./opt/ferry/runtime/release",
        "./usr/bin/ferry -> /opt/ferry/bin/ferry",
        "./usr/lib/systemd/system/ferry-agent.service", "./usr/lib/systemd/system/ferry-coordinator.service",
        "./etc/ferry/agent.conf", "./etc/ferry/coordinator.conf", "./usr/share/doc/ferry/copyright");
    for (String module : List.of("ferry-coordinator", "ferry-node-agent", "ferry-cli", "ferry-config", "ferry-dist")) {
      assertThat(files).as("jar of %s", module).anyMatch(f -> f.matches("\\./opt/ferry/lib/" + module + "-[0-9].*\\.jar"));
    }
    assertThat(files).as("nothing from tests, no JDK development files")
        .noneMatch(f -> f.contains("-tests.jar") || f.contains("junit") || f.contains("assertj")
            || f.contains("/runtime/include/") || f.contains("/runtime/jmods/") || f.endsWith("/bin/javac"));
    List<String> lines = files.stream().filter(f -> !f.startsWith("./opt/ferry/runtime/") && !f.startsWith("./opt/ferry/lib/"))
        .toList();
    System.out.println("package contents (runtime/ and lib/ summarized):\n  " + String.join("\n  ", lines)
        + "\n  ./opt/ferry/lib/: " + files.stream().filter(f -> f.startsWith("./opt/ferry/lib/") && f.endsWith(".jar")).count()
        + " jars\n  ./opt/ferry/runtime/: jlink image");
  }

  @Test
  void theControlDataDeclaresTheConfigurationAsConffilesAndRecommendsTheTools() {
    assertThat(run("dpkg-deb", "-f", deb.toString(), "Package", "Architecture", "Recommends").stdout())
        .contains("Package: ferry", "Architecture: amd64", "crun (>= 1.21)", "criu (>= 4.2)");
    assertThat(run("dpkg-deb", "-I", deb.toString(), "conffiles").stdout())
        .isEqualTo("/etc/ferry/agent.conf\n/etc/ferry/coordinator.conf\n");
  }

  @Test
  void theRuntimeIsTrimmed() {
    String modules = runner.run(ProcessSpec.of(root.resolve("opt/ferry/runtime/bin/java").toString(), "--list-modules"))
        .orThrow().stdout();
    assertThat(modules).contains("java.base@", "jdk.unsupported@", "java.naming@")
        .doesNotContain("jdk.compiler@", "jdk.jshell@", "java.smartcardio@");
  }

  @Test
  void theLauncherRunsEveryComponentOnTheShippedRuntime() {
    ProcessResult help = ferry(Map.of());
    assertThat(help.exitCode()).isZero();
    assertThat(help.stderr()).contains("coordinator", "agent", "migrate", "certs");
    assertThat(ferry(Map.of(), "migrate", "--help").stdout()).contains("Usage: migrate");
    ProcessResult coordinator = ferry(Map.of("FERRY_COORDINATOR_MAX_IN_FLIGHT", "7"), "coordinator", "--print-config");
    assertThat(coordinator.exitCode()).as(coordinator.stderr()).isZero();
    assertThat(coordinator.stdout()).contains("listen = 127.0.0.1:7070")
        .contains("# environment FERRY_COORDINATOR_MAX_IN_FLIGHT\nmax-in-flight = 7");
    ProcessResult agent = ferry(Map.of("FERRY_AGENT_NODE", "n1"), "agent", "--advertise", "198.18.0.9:7071", "--print-config");
    assertThat(agent.exitCode()).as(agent.stderr()).isZero();
    assertThat(agent.stdout()).contains("# environment FERRY_AGENT_NODE\nnode = n1", "# command line\nadvertise = 198.18.0.9:7071");
    ProcessResult unknown = ferry(Map.of(), "teleport");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("unknown command 'teleport'");
  }

  @Test
  void certsIsTheRealCertificateToolAndTheComponentsRefuseToStartWithoutTls() {
    Path ca = root.resolve("ca");
    ProcessResult created = ferry(Map.of(), "certs", "ca", "--dir", ca.toString());
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(created.stdout()).contains("created CA");
    ProcessResult issued = ferry(Map.of(), "certs", "issue", "--dir", ca.toString(), "coordinator", "--ip", "198.18.0.1");
    assertThat(issued.exitCode()).as(issued.stderr()).isZero();
    assertThat(ca.resolve("coordinator.crt")).exists();
    assertThat(ca.resolve("coordinator.key")).exists();
    ProcessResult plain = ferry(Map.of(), "coordinator", "--etcd", "http://127.0.0.1:1");
    assertThat(plain.exitCode()).isNotZero();
    assertThat(plain.stderr()).contains("mutual TLS needs --tls-cert, --tls-key and --tls-ca");
    ProcessResult configured = ferry(Map.of("FERRY_COORDINATOR_TLS_CERT", ca.resolve("coordinator.crt").toString()),
        "coordinator", "--print-config");
    assertThat(configured.exitCode()).as(configured.stderr()).isZero();
    assertThat(configured.stdout()).contains("# environment FERRY_COORDINATOR_TLS_CERT\ntls-cert = " + ca.resolve("coordinator.crt"));
  }

  @Test
  void theShippedConfigurationIsValidAndATypoInItIsNamed() throws IOException {
    Path shipped = root.resolve("etc/ferry/agent.conf");
    Path edited = Files.writeString(root.resolve("agent.conf"), Files.readString(shipped) + "node = n1\nstate-dri = /x\n");
    ProcessResult typo = ferry(Map.of(), "agent", "--config", edited.toString(), "--print-config");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.stderr()).contains("unknown key 'state-dri' in " + edited + " line ");
    ProcessResult asShipped = ferry(Map.of(), "coordinator", "--config", root.resolve("etc/ferry/coordinator.conf").toString(),
        "--print-config");
    assertThat(asShipped.exitCode()).as(asShipped.stderr()).isZero();
  }

  @Test
  void systemdAcceptsTheUnits() throws IOException {
    // systemd-analyze checks ExecStart exists on this host: point the units at the unpacked tree instead of /opt/ferry.
    Path units = Files.createDirectories(root.resolve("units-under-test"));
    for (String unit : List.of("ferry-agent.service", "ferry-coordinator.service")) {
      String text = Files.readString(root.resolve("usr/lib/systemd/system").resolve(unit));
      Files.writeString(units.resolve(unit), text.replace("/opt/ferry/", root.resolve("opt/ferry") + "/"));
    }
    ProcessResult verify = runner.run(ProcessSpec.of("systemd-analyze", "verify",
        units.resolve("ferry-agent.service").toString(), units.resolve("ferry-coordinator.service").toString()));
    assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
    assertThat(verify.stdout() + verify.stderr()).as("systemd-analyze warnings").isBlank();
  }
}
