package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.e2e.cluster.AgentNode;
import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.cluster.ObserveFlags;
import dev.ferry.e2e.observe.OtlpTraceReceiver;
import dev.ferry.e2e.observe.ReceivedSpan;
import dev.ferry.e2e.observe.Scrape;
import dev.ferry.e2e.observe.SpanTree;
import dev.ferry.e2e.scenario.CliMigration;
import dev.ferry.e2e.scenario.Migrations;
import dev.ferry.proto.v1.ListClusterContainersRequest;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.Strategy;
import dev.ferry.testkit.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real migration (crun, CRIU, etcd, processes in namespaces) watched as an operator would: the
 * live /metrics of the coordinator and both agents, the Grafana dashboard's metrics checked
 * against them, and the migration's trace as an OTLP collector receives it from all three.
 */
class ObservabilityIT {
  private static final int METRICS_PORT = 9464;
  private static final Pattern METRIC = Pattern.compile("\\b((?:ferry|jvm|process)_[a-z0-9_]+)\\b");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static LocalCluster cluster;
  static OtlpTraceReceiver collector;
  static String migrationId;

  @BeforeAll
  static void migrateOnce() {
    // Asked once per process; one collector for all of them, on the host's bridge address.
    cluster = SuiteCluster.start(dir, List.of("nodeA", "nodeB"), new ObserveFlags(METRICS_PORT, bridge -> {
      if (collector == null) {
        collector = OtlpTraceReceiver.start(bridge);
      }
      return collector.endpoint();
    }, "json"));
    new CliMigration(cluster).createWorkload("nodeA", "obs-1", 16);
    await("coordinator sees obs-1").atMost(Timing.seconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> cluster.coordinator().stub().listContainers(ListClusterContainersRequest.newBuilder()
            .setNode("nodeA").build()).getContainersList().stream().anyMatch(c -> c.getContainerId().equals("obs-1")));
    Migrations migrations = new Migrations(cluster);
    migrationId = migrations.start("obs-1", "nodeA", "nodeB", Strategy.STRATEGY_STOPCOPY);
    Migration m = migrations.awaitFinished(migrationId, SuiteCluster.migrationTimeout());
    assertThat(m.getPhase()).as("%s", m).isEqualTo(Phase.PHASE_DONE);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      SuiteCluster.remove(cluster, "obs-1");
      cluster.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  private static Scrape coordinator() {
    return Scrape.of(cluster.network().bridgeAddress() + ":" + METRICS_PORT);
  }

  private static Scrape agent(String node) {
    AgentNode a = cluster.agent(node);
    return Scrape.of(cluster.network().host(a.node()).address() + ":" + METRICS_PORT);
  }

  @Test
  void coordinatorMetricsShowTheMigration() {
    Scrape c = coordinator();
    System.out.println("--- coordinator /metrics after " + migrationId + " (ferry_*, buckets left out) ---\n"
        + c.excerpt("ferry_"));
    assertThat(c.value("ferry_migrations_total", "result=\"done\"", "strategy=\"stopcopy\"")).isGreaterThanOrEqualTo(1);
    assertThat(c.value("ferry_migration_blackout_seconds_count")).isGreaterThanOrEqualTo(1);
    assertThat(c.value("ferry_migration_blackout_seconds_sum")).isGreaterThan(0).isLessThan(60);
    assertThat(c.value("ferry_migration_duration_seconds_count", "result=\"done\"")).isGreaterThanOrEqualTo(1);
    for (String phase : List.of("preflight", "prepare_target", "freeze_and_dump", "transfer", "restore", "commit")) {
      assertThat(c.value("ferry_migration_phase_seconds_count", "phase=\"" + phase + "\"")).as(phase)
          .isGreaterThanOrEqualTo(1);
    }
    double raw = c.value("ferry_migration_transfer_bytes_total", "kind=\"raw\"");
    assertThat(raw).as("a 16 MiB workload's images").isGreaterThan(1 << 20);
    assertThat(c.value("ferry_migration_transfer_bytes_total", "kind=\"wire\"")).isGreaterThan(0).isLessThanOrEqualTo(raw * 1.05);
    assertThat(c.value("ferry_migrations_in_flight", "node=\"nodeA\"", "role=\"source\"")).isEqualTo(0);
    assertThat(c.value("ferry_migrations_queued")).isEqualTo(0);
    assertThat(c.value("ferry_coordinator_leader")).isEqualTo(1);
    assertThat(c.value("ferry_etcd_request_seconds_count", "code=\"OK\"")).isGreaterThan(0);
  }

  @Test
  void agentMetricsShowTheCriuStepsAndTheTransfer() {
    Scrape source = agent("nodeA");
    Scrape target = agent("nodeB");
    System.out.println("--- nodeA (source) /metrics ---\n" + source.excerpt("ferry_agent_"));
    System.out.println("--- nodeB (target) /metrics ---\n" + target.excerpt("ferry_agent_"));
    assertThat(source.value("ferry_agent_criu_step_seconds_count", "step=\"dump\"", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
    assertThat(source.value("ferry_agent_criu_step_seconds_sum", "step=\"dump\"")).isGreaterThan(0);
    assertThat(target.value("ferry_agent_criu_step_seconds_count", "step=\"restore\"", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
    assertThat(source.value("ferry_agent_transfer_bytes_total", "kind=\"raw\"")).isGreaterThan(1 << 20);
    assertThat(source.value("ferry_agent_transfer_throughput_bytes_per_second_count")).isGreaterThanOrEqualTo(1);
    assertThat(source.value("ferry_agent_transfer_throughput_bytes_per_second_max")).isGreaterThan(0);
    assertThat(target.value("ferry_agent_containers")).isGreaterThanOrEqualTo(1);
    assertThat(source.value("ferry_agent_request_seconds_count", "method=\"ferry.v1.NodeAgent/GetCapabilities\"",
        "code=\"OK\"")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void everyMetricTheDashboardNamesExists() throws Exception {
    Path dashboard = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/grafana/ferry.json");
    JsonNode json = new ObjectMapper().readTree(Files.readString(dashboard));
    Set<String> used = new TreeSet<>();
    List<String> panels = new ArrayList<>();
    for (JsonNode panel : json.get("panels")) {
      Set<String> mine = new TreeSet<>();
      for (JsonNode target : panel.get("targets")) {
        Matcher m = METRIC.matcher(target.get("expr").asText());
        while (m.find()) {
          mine.add(m.group(1));
        }
      }
      panels.add(panel.get("title").asText() + ": " + mine);
      used.addAll(mine);
    }
    System.out.println("--- dashboard panels and their metrics ---\n" + String.join("\n", panels));
    Set<String> scraped = new HashSet<>(coordinator().names());
    scraped.addAll(agent("nodeA").names());
    scraped.addAll(agent("nodeB").names());
    assertThat(used).as("metrics the dashboard queries").isNotEmpty();
    assertThat(scraped).as("series scraped from the coordinator and both agents").containsAll(used);
  }

  /** Every process logs JSON lines (--log-format json); those about the migration carry its fields. */
  @Test
  void jsonLogLinesCarryTheMigrationContainerAndNodes() throws Exception {
    JsonNode coordinatorLine = jsonLine(cluster.workDir().resolve("coordinator.log"), "\"migration\":\"" + migrationId);
    assertThat(coordinatorLine.get("mdc").get("container").asText()).isEqualTo("obs-1");
    assertThat(coordinatorLine.get("mdc").get("source").asText()).isEqualTo("nodeA");
    assertThat(coordinatorLine.get("mdc").get("target").asText()).isEqualTo("nodeB");
    JsonNode targetLine = jsonLine(cluster.agent("nodeB").stateDir().resolveSibling("nodeB-agent.log"),
        "\"migration\":\"" + migrationId);
    assertThat(targetLine.get("mdc").get("container").asText()).isEqualTo("obs-1");
    assertThat(targetLine.get("mdc").get("node").asText()).isEqualTo("nodeB");
    assertThat(targetLine.get("mdc").get("trace_id").asText()).as("the agent logs in the migration's trace").hasSize(32);
    System.out.println("--- a JSON log line of the coordinator and one of the target agent ---\n"
        + coordinatorLine + "\n" + targetLine);
  }

  private static JsonNode jsonLine(Path log, String containing) throws Exception {
    String line = Files.readAllLines(log).stream().filter(l -> l.startsWith("{") && l.contains(containing))
        .findFirst().orElseThrow(() -> new AssertionError("no JSON line with " + containing + " in " + log));
    return new ObjectMapper().readTree(line);
  }

  @Test
  void oneTraceFollowsTheMigrationAcrossCoordinatorAndAgents() {
    List<ReceivedSpan> trace = await("the migration's trace at the collector").atMost(Timing.seconds(30))
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          var root = collector.spans().stream().filter(s -> s.name().equals("migration")
              && migrationId.equals(s.attributes().get("ferry.migration.id"))).findFirst();
          if (root.isEmpty()) {
            return List.<ReceivedSpan>of();
          }
          return collector.spans().stream().filter(s -> s.traceId().equals(root.get().traceId())).toList();
        }, t -> t.stream().anyMatch(s -> s.name().equals("ferry.v1.NodeAgent/Restore"))
            && t.stream().anyMatch(s -> s.name().equals("ferry.v1.NodeAgent/Finalize")));
    System.out.println("--- trace of " + migrationId + " ---\n" + SpanTree.render(trace));

    ReceivedSpan root = trace.stream().filter(ReceivedSpan::isRoot).findFirst().orElseThrow();
    assertThat(trace).filteredOn(ReceivedSpan::isRoot).hasSize(1);
    assertThat(root.service()).isEqualTo("ferry-coordinator");
    assertThat(root.attributes()).containsEntry("ferry.container.id", "obs-1").containsEntry("ferry.result", "done");
    ReceivedSpan dumpPhase = trace.stream().filter(s -> s.name().equals("freeze_and_dump")).findFirst().orElseThrow();
    assertThat(dumpPhase.parentSpanId()).isEqualTo(root.spanId());
    ReceivedSpan dump = trace.stream().filter(s -> s.name().equals("ferry.v1.NodeAgent/Dump")).findFirst().orElseThrow();
    assertThat(dump.service()).isEqualTo("ferry-agent");
    assertThat(dump.attributes()).containsEntry("ferry.node", "nodeA").containsEntry("ferry.migration.id", migrationId);
    assertThat(dump.parentSpanId()).as("the agent's dump is a child of the coordinator's phase").isEqualTo(dumpPhase.spanId());
    ReceivedSpan restore = trace.stream().filter(s -> s.name().equals("ferry.v1.NodeAgent/Restore")).findFirst().orElseThrow();
    assertThat(restore.attributes()).containsEntry("ferry.node", "nodeB");
    ReceivedSpan send = trace.stream().filter(s -> s.name().equals("ferry.v1.NodeAgent/SendImages")).findFirst().orElseThrow();
    assertThat(Long.parseLong(send.attributes().get("ferry.bytes.raw"))).isGreaterThan(1 << 20);
    ReceivedSpan preparePhase = trace.stream().filter(s -> s.name().equals("prepare_target")).findFirst().orElseThrow();
    ReceivedSpan firstPass = trace.stream().filter(s -> s.name().equals("ferry.v1.NodeAgent/SendRootfs")).findFirst().orElseThrow();
    assertThat(firstPass.parentSpanId()).as("the rootfs's first pass belongs to Prepare target").isEqualTo(preparePhase.spanId());
    assertThat(Long.parseLong(firstPass.attributes().get("ferry.bytes.raw"))).as("busybox and the workload's binaries")
        .isGreaterThan(3 << 20);
  }
}
