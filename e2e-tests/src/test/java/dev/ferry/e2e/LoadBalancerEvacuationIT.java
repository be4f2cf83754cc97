package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.e2e.cluster.LocalCluster;
import dev.ferry.e2e.net.HaProxy;
import dev.ferry.e2e.net.HttpLoad;
import dev.ferry.e2e.net.LatencySummary;
import dev.ferry.e2e.net.NetContainers;
import dev.ferry.e2e.net.NetContainers.Placement;
import dev.ferry.proto.v1.EvacuateRequest;
import dev.ferry.proto.v1.Evacuation;
import dev.ferry.proto.v1.EvacuationItem;
import dev.ferry.proto.v1.GetEvacuationRequest;
import dev.ferry.proto.v1.ListClusterContainersRequest;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.Strategy;
import dev.ferry.testkit.Timing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's second user: a real HAProxy in front of HTTP servers in containers spread over two
 * nodes, a steady client load through it, and a gRPC Evacuate of one node in the middle. HAProxy
 * is configured once with the containers' addresses and never told anything: the evacuated
 * backends keep their addresses, so every request must still be answered.
 */
class LoadBalancerEvacuationIT {
  private static final int CONCURRENCY = 8;
  private static final Duration BASELINE = Duration.ofSeconds(8);
  private static final Duration AFTERWARDS = Duration.ofSeconds(3);
  private static final int LB_PORT = 18080;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = SuiteCluster.start(dir, List.of("nodeA", "nodeB"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void evacuatingANodeBehindHaProxyFailsNoRequest() throws Exception {
    NetContainers containers = new NetContainers(cluster);
    Map<String, Placement> before = new LinkedHashMap<>();
    for (String ct : List.of("lb-a1", "lb-a2")) {
      before.put(ct, containers.createHttpd("nodeA", ct));
    }
    for (String ct : List.of("lb-b1", "lb-b2")) {
      before.put(ct, containers.createHttpd("nodeB", ct));
    }
    awaitReported("nodeA", List.of("lb-a1", "lb-a2"));
    List<HaProxy.Backend> backends = before.entrySet().stream()
        .map(e -> new HaProxy.Backend(e.getKey(), e.getValue().address(), NetContainers.HTTP)).toList();
    try (HaProxy lb = HaProxy.start(cluster.runner(), dir.resolve("haproxy"), "127.0.0.1", LB_PORT, backends)) {
      String configHash = lb.configHash();
      awaitEveryBackendAnswers(lb, before.keySet());

      long t0 = System.nanoTime();
      long evacStart;
      long evacEnd;
      Evacuation done;
      List<HttpLoad.Sample> samples;
      try (HttpLoad load = HttpLoad.start(URI.create(lb.url()), CONCURRENCY, Timing.seconds(20))) {
        Thread.sleep(BASELINE);
        evacStart = System.nanoTime();
        Evacuation ev = cluster.coordinator().stub().evacuate(EvacuateRequest.newBuilder().setNode("nodeA")
            .setStrategy(Strategy.STRATEGY_STOPCOPY).build());
        await("evacuation of nodeA finished").atMost(Timing.seconds(180)).pollInterval(Duration.ofMillis(200))
            .until(() -> evacuation(ev.getEvacuationId()).getFinished());
        evacEnd = System.nanoTime();
        done = evacuation(ev.getEvacuationId());
        Thread.sleep(AFTERWARDS);
        load.close();
        samples = load.samples();
      }
      long t1 = System.nanoTime();

      List<LatencySummary> table = List.of(
          LatencySummary.of("before (baseline)", samples, t0, evacStart),
          LatencySummary.of("during evacuation", samples, evacStart, evacEnd),
          LatencySummary.of("after", samples, evacEnd, t1),
          LatencySummary.of("total", samples, t0, t1));
      System.out.printf("%nHAProxy in front of %d busybox httpd containers (2 on nodeA, 2 on nodeB), %d client loops; "
          + "gRPC Evacuate nodeA took %d ms%n", before.size(), CONCURRENCY, (evacEnd - evacStart) / 1_000_000);
      System.out.println(LatencySummary.header());
      table.forEach(s -> System.out.println(s.row()));
      for (EvacuationItem item : done.getItemsList()) {
        var m = new dev.ferry.e2e.scenario.Migrations(cluster).get(item.getMigrationId());
        var b = m.getStats().getBlackout();
        System.out.printf("  %s -> %s: %s, blackout %d ms%s%n", item.getContainerId(), item.getTargetNode(), m.getPhase(),
            b.getSeconds() * 1000 + b.getNanos() / 1_000_000, m.hasError() ? " " + m.getError() : "");
      }
      samples.stream().filter(s -> !s.ok()).limit(10).forEach(s -> System.out.println("  failed: " + s.detail()));
      lb.troubledRequestLog().stream().limit(20).forEach(l -> System.out.println("  haproxy: " + l));

      assertThat(done.getItemsList()).extracting(EvacuationItem::getContainerId).containsExactlyInAnyOrder("lb-a1", "lb-a2");
      assertThat(done.getItemsList()).extracting(EvacuationItem::getPhase).containsOnly(Phase.PHASE_DONE);
      assertThat(table.getLast().failed()).as("failed requests through HAProxy").isZero();
      assertThat(table.get(1).requests()).as("requests during the evacuation").isPositive();
      assertThat(lb.isAlive()).isTrue();
      assertThat(lb.configHash()).as("HAProxy's configuration is never touched").isEqualTo(configHash);
      for (var e : before.entrySet()) {
        Placement now = containers.placement(e.getKey()).orElseThrow();
        assertThat(now.address()).as("%s keeps its address", e.getKey()).isEqualTo(e.getValue().address());
        assertThat(now.node()).as("%s runs on nodeB", e.getKey()).isEqualTo("nodeB");
      }
      Set<String> answered = new HashSet<>();
      samples.stream().filter(s -> s.startNanos() >= evacEnd).forEach(s -> answered.add(s.detail()));
      assertThat(answered).as("every backend answered after the evacuation")
          .containsAll(before.keySet().stream().map(ct -> "hello from " + ct).toList());
    }
  }

  private static Evacuation evacuation(String id) {
    return cluster.coordinator().stub().getEvacuation(GetEvacuationRequest.newBuilder().setEvacuationId(id).build());
  }

  /** HAProxy's health checks put a server in rotation after 2 good checks: wait until all four answer through it. */
  private static void awaitEveryBackendAnswers(HaProxy lb, Set<String> ids) {
    Set<String> seen = new HashSet<>();
    try (HttpClient c = HttpClient.newHttpClient()) {
      await("every backend answers through HAProxy").atMost(Timing.seconds(30)).pollInterval(Duration.ofMillis(50))
          .ignoreExceptions().until(() -> {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(lb.url())).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              seen.add(r.body().strip().replace("hello from ", ""));
            }
            return seen.containsAll(ids);
          });
    }
  }

  private static void awaitReported(String node, List<String> ids) {
    await("coordinator sees " + ids + " on " + node).atMost(Timing.seconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> cluster.coordinator().stub().listContainers(ListClusterContainersRequest.newBuilder().setNode(node).build())
            .getContainersList().stream().map(c -> c.getContainerId()).toList().containsAll(ids));
  }
}
