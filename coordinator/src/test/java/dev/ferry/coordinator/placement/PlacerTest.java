package dev.ferry.coordinator.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.coordinator.fsm.Feature;
import dev.ferry.coordinator.fsm.NodeCapabilities;
import dev.ferry.coordinator.fsm.Reason;
import dev.ferry.coordinator.registry.Node;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacerTest {
  private static final long MIB = 1 << 20;
  private final Placer placer = new Placer();

  static Node node(String name, long freeMib, int cpus, boolean ready, boolean cordoned) {
    return new Node(name, "127.0.0.1:1", new NodeCapabilities(name, "4.2.1", "6.16", Feature.yes(), Feature.yes(),
        Feature.yes(), cpus, freeMib * MIB, 1L << 40), Instant.EPOCH, ready, cordoned, cordoned ? "maintenance" : "");
  }

  private final PlacementRequest ct = new PlacementRequest("ct42", "a", 512 * MIB, 0);

  @Test
  void mostFreeMemoryWinsAndSkippedNodesAreExplained() {
    var p = placer.place(ct, List.of(node("a", 9000, 8, true, false), node("b", 2000, 2, true, false),
        node("c", 4000, 2, true, false), node("d", 8000, 2, true, true), node("e", 8000, 2, false, false),
        node("f", 100, 2, true, false)), Map.of());
    assertThat(p.node()).isEqualTo("c");
    assertThat(p.reason()).startsWith("most free memory: 4000 MiB free, 2 cpus")
        .contains("a (source)", "d (cordoned)", "e (not ready)", "f (needs 512 MiB, has 100 MiB free)");
  }

  @Test
  void tiesGoToMoreCpusThenFewerIncomingMigrations() {
    assertThat(placer.place(ct, List.of(node("b", 4000, 2, true, false), node("c", 4000, 4, true, false)), Map.of())
        .node()).isEqualTo("c");
    assertThat(placer.place(ct, List.of(node("b", 4000, 2, true, false), node("c", 4000, 2, true, false)),
        Map.of("b", 1)).node()).isEqualTo("c");
  }

  @Test
  void inFlightIncomingMigrationsCountAgainstFreeMemorySoAnEvacuationSpreads() {
    // b reports a little more free memory (the same host, measured a moment apart) but already receives one.
    assertThat(placer.place(ct, List.of(node("b", 4010, 2, true, false), node("c", 4000, 2, true, false)),
        Map.of("b", 1)).node()).isEqualTo("c");
    // Far more free memory still wins over one incoming migration.
    assertThat(placer.place(ct, List.of(node("b", 8000, 2, true, false), node("c", 4000, 2, true, false)),
        Map.of("b", 1)).node()).isEqualTo("b");
  }

  @Test
  void reportsWithinTheNoiseMarginTieSoAnEvacuationOfSmallContainersSpreads() {
    PlacementRequest small = new PlacementRequest("ct7", "a", MIB, 0);
    List<Node> sameHost = List.of(node("b", 20_100, 2, true, false), node("c", 20_000, 2, true, false),
        node("d", 19_900, 2, true, false));
    assertThat(placer.place(small, sameHost, Map.of()).node()).isEqualTo("b");
    assertThat(placer.place(small, sameHost, Map.of("b", 1)).node()).isEqualTo("c");
    assertThat(placer.place(small, sameHost, Map.of("b", 1, "c", 1)).node()).isEqualTo("d");
    // Beyond the margin, memory decides again.
    assertThat(placer.place(small, List.of(node("b", 20_500, 2, true, false), node("c", 20_000, 2, true, false)),
        Map.of("b", 1)).node()).isEqualTo("b");
  }

  @Test
  void noCandidateIsAnErrorListingEveryNode() {
    assertThatThrownBy(() -> placer.place(ct, List.of(node("a", 9000, 2, true, false), node("b", 9000, 2, true,
        true)), Map.of())).isInstanceOf(NoTargetException.class)
        .hasMessage("no node can take container ct42: a (source), b (cordoned)");
  }

  @Test
  void aNamedTargetIsCheckedWithTheRightReason() {
    assertThatThrownBy(() -> placer.check(ct, node("a", 1, 1, true, false)))
        .isInstanceOfSatisfying(TargetRejectedException.class, e -> assertThat(e.reason())
            .isEqualTo(Reason.INVALID_ARGUMENT));
    assertThatThrownBy(() -> placer.check(ct, node("b", 1, 1, true, true)))
        .isInstanceOfSatisfying(TargetRejectedException.class, e -> assertThat(e.reason())
            .isEqualTo(Reason.NODE_CORDONED))
        .hasMessage("target node b is cordoned (maintenance); uncordon it or pick another target");
    assertThatThrownBy(() -> placer.check(ct, node("b", 1, 1, false, false)))
        .isInstanceOfSatisfying(TargetRejectedException.class, e -> assertThat(e.reason())
            .isEqualTo(Reason.NODE_NOT_READY));
  }
}
