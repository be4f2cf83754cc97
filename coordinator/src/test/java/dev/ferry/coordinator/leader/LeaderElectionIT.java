package dev.ferry.coordinator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.coordinator.testkit.EtcdExtension;
import dev.ferry.coordinator.testkit.Timing;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderElectionIT {
  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  static final class Recorder implements LeaderElection.Listener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void elected(long epoch) {
      events.add("elected " + epoch);
    }

    @Override
    public void lost(String why) {
      events.add("lost: " + why);
    }
  }

  @Test
  void oneLeadsTheOtherFollowsAndTakesOverWithAHigherEpoch() {
    Recorder ra = new Recorder();
    Recorder rb = new Recorder();
    try (Client ca = etcd.newClient(); Client cb = etcd.newClient()) {
      LeaderElection a = new LeaderElection(ca, "coord-a:9000", Duration.ofSeconds(3), ra).start();
      await().atMost(Timing.seconds(10)).until(a::isLeader);
      LeaderElection b = new LeaderElection(cb, "coord-b:9000", Duration.ofSeconds(3), rb).start();
      long epochA = a.epoch();
      await().atMost(Timing.seconds(5)).until(() -> b.leader().equals("coord-a:9000"));
      assertThat(b.isLeader()).isFalse();
      assertThatThrownBy(b::epoch).isInstanceOf(NotLeaderException.class)
          .hasMessage("this coordinator is not the leader; send writes to the leader at coord-a:9000");
      a.close();
      await().atMost(Timing.seconds(10)).until(b::isLeader);
      assertThat(b.epoch()).isGreaterThan(epochA);
      assertThat(a.leader()).isEqualTo("coord-b:9000");
      assertThat(ra.events).containsExactly("elected " + epochA, "lost: coordinator shutting down");
      b.close();
    }
  }

  @Test
  void aLeaderWhoseLeaseIsRevokedStopsLeadingAtOnce() {
    Recorder r = new Recorder();
    try (Client c = etcd.newClient()) {
      LeaderElection a = new LeaderElection(c, "coord-a:9000", Duration.ofSeconds(10), r).start();
      await().atMost(Timing.seconds(10)).until(a::isLeader);
      long lease = a.leaseForTests();
      etcd.client().getLeaseClient().revoke(lease).join();
      // Well inside the 10 s TTL: the revocation itself ends leadership.
      await().atMost(Timing.seconds(3)).until(() -> r.events.stream().anyMatch(e -> e.startsWith("lost")));
      assertThat(r.events.get(1)).contains("lease");
      await().atMost(Timing.seconds(10)).until(a::isLeader);
      a.close();
    }
  }
}
