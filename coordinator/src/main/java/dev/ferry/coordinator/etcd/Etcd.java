package dev.ferry.coordinator.etcd;

import dev.ferry.coordinator.store.StoreUnavailableException;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Small helpers around jetcd: UTF-8 keys, and blocking on a request with a bound. */
public final class Etcd {
  /** One bound for every etcd request: long enough for a leader change, short enough to fail over. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private Etcd() {}

  public static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  public static String text(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Blocks (on a virtual thread, cheaply) until etcd answers; failures become StoreUnavailableException. */
  public static <T> T await(String what, CompletableFuture<T> future) {
    try {
      return future.get(REQUEST_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new StoreUnavailableException(what + ": interrupted", e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreUnavailableException(what + ": etcd did not answer within " + REQUEST_TIMEOUT.toMillis()
          + " ms", e);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException(what + ": " + e.getCause().getMessage(), e.getCause());
    }
  }
}
