package dev.ferry.e2e.observe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** One scrape of a Prometheus text endpoint: the series names it holds and the value of a series. */
public record Scrape(String source, String text) {

  public static Scrape of(String hostPort) {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET http://" + hostPort + "/metrics: HTTP " + r.statusCode());
      }
      return new Scrape(hostPort, r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot scrape " + hostPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every series name (without labels). */
  public Set<String> names() {
    return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /**
   * The value of the first series named {@code name} whose labels contain every {@code k="v"} in
   * {@code labels}; NaN when none does.
   */
  public double value(String name, String... labels) {
    return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
  }

  /** The lines of series whose names start with {@code prefix}, for a readable excerpt. */
  public String excerpt(String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).filter(l -> !l.contains("_bucket{"))
        .collect(Collectors.joining("\n"));
  }
}
