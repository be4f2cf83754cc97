package dev.ferry.e2e.net;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Closed-loop HTTP load: each of N virtual threads sends a GET, waits for the answer, and sends the next. */
public final class HttpLoad implements AutoCloseable {
  /** One request: when it started (monotonic nanos), how long it took, and whether it got a 200. */
  public record Sample(long startNanos, long latencyNanos, boolean ok, String detail) {}

  private final HttpClient client;
  private final HttpRequest request;
  private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final List<Thread> loops = new ArrayList<>();
  private volatile boolean running = true;

  private HttpLoad(URI uri, Duration requestTimeout) {
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout).build();
    this.request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
  }

  public static HttpLoad start(URI uri, int concurrency, Duration requestTimeout) {
    HttpLoad load = new HttpLoad(uri, requestTimeout);
    for (int i = 0; i < concurrency; i++) {
      load.loops.add(Thread.ofVirtual().name("http-load-" + i).start(load::loop));
    }
    return load;
  }

  private void loop() {
    while (running) {
      long start = System.nanoTime();
      try {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        samples.add(new Sample(start, System.nanoTime() - start, r.statusCode() == 200,
            r.statusCode() == 200 ? r.body().strip() : "HTTP " + r.statusCode()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        samples.add(new Sample(start, System.nanoTime() - start, false, e.toString()));
      }
    }
  }

  public List<Sample> samples() {
    return List.copyOf(samples);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : loops) {
      t.join();
    }
    client.close();
  }
}
