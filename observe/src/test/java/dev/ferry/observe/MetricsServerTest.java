package dev.ferry.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** /metrics over a real loopback socket, in the Prometheus text format. */
class MetricsServerTest {
  @Test
  void servesTheRegistryInPrometheusTextFormat() throws Exception {
    try (Observability o = Observability.start("ferry-test", new InetSocketAddress("127.0.0.1", 0), Tracing.off());
        HttpClient http = HttpClient.newHttpClient()) {
      o.registry().counter("ferry_test_events", "kind", "x").increment(3);
      var address = o.metricsAddress();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(r.body()).contains("ferry_test_events_total{kind=\"x\",service=\"ferry-test\"} 3.0");
      assertThat(r.body()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void aBadListenAddressNamesTheFlag() {
    assertThatThrownBy(() -> HostPort.parse("--metrics-listen", "localhost")).hasMessage(
        "--metrics-listen must be host:port, was 'localhost'");
    assertThatThrownBy(() -> HostPort.parse("--metrics-listen", "localhost:http")).hasMessage(
        "--metrics-listen has no valid port in 'localhost:http'");
  }
}
