package dev.ferry.coordinator.leader;

import static dev.ferry.coordinator.etcd.Etcd.bytes;
import static dev.ferry.coordinator.etcd.Etcd.text;

import dev.ferry.coordinator.etcd.Etcd;
import dev.ferry.coordinator.store.Keys;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd election between coordinators. The leader holds a lease it keeps alive; the epoch is the
 * revision of its election key. Leadership ends the moment the lease is in doubt: a keep-alive
 * error, an expired lease, or no renewal for a whole TTL (Curator's LeaderLatch does the same),
 * so a coordinator cut off from etcd stops issuing commands before another can be elected.
 */
public final class LeaderElection implements Leadership, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /** Told when leadership starts and ends; called on the election's own thread. */
  public interface Listener {
    void elected(long epoch);

    void lost(String why);
  }

  private final Client client;
  private final String self;
  private final Duration ttl;
  private final Listener listener;
  private final AtomicReference<Term> term = new AtomicReference<>();
  private volatile boolean closed;
  private volatile Thread thread;

  /** One attempt at leadership: its lease, and once elected its key. */
  private static final class Term {
    final long lease;
    volatile long lastRenewalNanos = System.nanoTime();
    volatile LeaderKey key;
    final CompletableFuture<String> lost = new CompletableFuture<>();

    Term(long lease) {
      this.lease = lease;
    }
  }

  public LeaderElection(Client client, String self, Duration ttl, Listener listener) {
    this.client = client;
    this.self = self;
    this.ttl = ttl;
    this.listener = listener;
  }

  public LeaderElection start() {
    thread = Thread.ofVirtual().name("leader-election").start(this::run);
    return this;
  }

  @Override
  public boolean isLeader() {
    Term t = term.get();
    return t != null && t.key != null && !t.lost.isDone() && renewedWithinTtl(t);
  }

  @Override
  public long epoch() {
    Term t = term.get();
    if (!isLeader()) {
      throw new NotLeaderException(leader());
    }
    return t.key.getRevision();
  }

  @Override
  public java.util.Optional<dev.ferry.coordinator.store.Fence> fence() {
    Term t = term.get();
    if (t == null || t.key == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new dev.ferry.coordinator.store.Fence(text(t.key.getKey()), t.key.getRevision()));
  }

  @Override
  public String leader() {
    try {
      var r = Etcd.await("who leads", client.getElectionClient().leader(bytes(Keys.ELECTION)));
      return r.getKv() == null ? "" : text(r.getKv().getValue());
    } catch (RuntimeException e) {
      return ""; // no leader (etcd answers NoLeader) or etcd unreachable: nobody we can name
    }
  }

  long leaseForTests() {
    Term t = term.get();
    return t == null ? 0 : t.lease;
  }

  private boolean renewedWithinTtl(Term t) {
    return System.nanoTime() - t.lastRenewalNanos < ttl.toNanos();
  }

  private void run() {
    while (!closed) {
      try {
        campaignOnce();
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("leader election attempt failed, retrying: {}", e.getMessage());
        }
      }
      if (!closed) {
        sleep(ttl.dividedBy(4));
      }
    }
  }

  private void campaignOnce() {
    long lease = Etcd.await("grant election lease", client.getLeaseClient().grant(Math.max(2, ttl.toSeconds())))
        .getID();
    Term t = new Term(lease);
    term.set(t);
    try (CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, observer(t))) {
      CompletableFuture<io.etcd.jetcd.election.CampaignResponse> campaign =
          client.getElectionClient().campaign(bytes(Keys.ELECTION), lease, bytes(self));
      while (!campaign.isDone()) {
        watchdog(t);
        if (t.lost.isDone() || closed) {
          campaign.cancel(true);
          return;
        }
      }
      t.key = campaign.join().getLeader();
      try (var watcher = watchOwnKey(t)) {
        log.info("{} elected leader, epoch {}", self, t.key.getRevision());
        listener.elected(t.key.getRevision());
        while (!t.lost.isDone() && !closed) {
          watchdog(t);
        }
      }
      String why = closed ? "coordinator shutting down" : t.lost.getNow("closed");
      log.warn("{} lost leadership (epoch {}): {}", self, t.key.getRevision(), why);
      listener.lost(why);
    } finally {
      term.set(null);
      try {
        client.getLeaseClient().revoke(lease).get(1, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Expired or unreachable already: etcd drops the key when the lease runs out.
      }
    }
  }

  /** A revoked lease or a deleted key ends leadership at once, not at the next keep-alive. */
  private io.etcd.jetcd.Watch.Watcher watchOwnKey(Term t) {
    return client.getWatchClient().watch(t.key.getKey(),
        io.etcd.jetcd.options.WatchOption.builder().withRevision(t.key.getRevision() + 1).build(),
        response -> {
          for (var event : response.getEvents()) {
            if (event.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
              t.lost.complete("election key deleted (lease revoked or expired)");
            }
          }
        },
        error -> t.lost.complete("watch on the election key failed: " + error.getMessage()));
  }

  private void watchdog(Term t) {
    if (!renewedWithinTtl(t)) {
      t.lost.complete("no lease renewal for " + ttl.toMillis() + " ms");
    }
    sleep(Duration.ofMillis(Math.min(200, ttl.toMillis() / 5)));
  }

  private static StreamObserver<LeaseKeepAliveResponse> observer(Term t) {
    return new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveResponse r) {
        if (r.getTTL() > 0) {
          t.lastRenewalNanos = System.nanoTime();
        } else {
          t.lost.complete("election lease " + Long.toHexString(t.lease) + " expired");
        }
      }

      @Override
      public void onError(Throwable e) {
        t.lost.complete("lease keep-alive failed: " + e.getMessage());
      }

      @Override
      public void onCompleted() {
        t.lost.complete("lease keep-alive ended");
      }
    };
  }

  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      try {
        t.join(ttl.plusSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
