package dev.ferry.agent.observe;

import dev.ferry.proto.v1.TransferProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's metrics, recorded at its gRPC edge: every call's latency, the CRIU steps
 * (pre-dump, dump, lazy dump, restore: from the request received to the answer sent, the agent's
 * own work around CRIU included), image transfers (bytes, throughput), and its containers.
 */
public final class AgentMetrics {
  /** gRPC method → the CRIU step it runs. */
  private static final Map<String, String> CRIU_STEPS = Map.of(
      "ferry.v1.NodeAgent/PreDump", "pre_dump",
      "ferry.v1.NodeAgent/Dump", "dump",
      "ferry.v1.NodeAgent/LazyDump", "lazy_dump",
      "ferry.v1.NodeAgent/Restore", "restore");
  /** The calls that send a migration's data to its target: their bytes count as transferred. */
  static final java.util.Set<String> SENDS = java.util.Set.of("ferry.v1.NodeAgent/SendImages", "ferry.v1.NodeAgent/SendRootfs");

  private final MeterRegistry registry;
  private final Counter bytesRaw;
  private final Counter bytesOnWire;
  private final DistributionSummary throughput;

  public AgentMetrics(MeterRegistry registry, Supplier<Integer> containers, LongSupplier staleEpochRefusals) {
    this.registry = registry;
    this.bytesRaw = Counter.builder("ferry_agent_transfer_bytes").baseUnit("bytes").tag("kind", "raw")
        .description("Image bytes this agent sent, before compression").register(registry);
    this.bytesOnWire = Counter.builder("ferry_agent_transfer_bytes").baseUnit("bytes").tag("kind", "wire")
        .description("Image bytes this agent sent on the wire, after compression").register(registry);
    this.throughput = DistributionSummary.builder("ferry_agent_transfer_throughput").baseUnit("bytes_per_second")
        .description("Raw bytes per second of each finished image transfer").register(registry);
    io.micrometer.core.instrument.Gauge.builder("ferry_agent_containers", containers, AgentMetrics::count)
        .description("Containers this agent manages").strongReference(true).register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("ferry_agent_stale_epoch_refusals", staleEpochRefusals,
            LongSupplier::getAsLong)
        .description("Commands refused because they carried a deposed coordinator's epoch (fencing)")
        .register(registry);
  }

  /** Unknown (the agent could not list them) reads as NaN, not as zero containers. */
  private static double count(Supplier<Integer> containers) {
    int n = containers.get();
    return n < 0 ? Double.NaN : n;
  }

  /** A finished call: its latency, and the CRIU step's when it ran one. */
  void called(String method, String code, Duration took) {
    Timer.builder("ferry_agent_request").description("Latency of the agent's gRPC calls by method and status")
        .tag("method", method).tag("code", code).register(registry).record(took);
    String step = CRIU_STEPS.get(method);
    if (step != null) {
      Timer.builder("ferry_agent_criu_step").description("CRIU steps on this agent (request to answer)")
          .tag("step", step).tag("outcome", code.equals("OK") ? "ok" : "error").publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(5))
          .register(registry).record(took);
    }
  }

  /** The last progress of a finished image transfer that took {@code took}. */
  void transferred(TransferProgress last, Duration took) {
    bytesRaw.increment(last.getBytesRaw());
    bytesOnWire.increment(last.getBytesOnWire());
    Timer.builder("ferry_agent_transfer").description("Duration of image transfers this agent sent")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofMinutes(5)).register(registry).record(took);
    if (!took.isZero()) {
      throughput.record(last.getBytesRaw() / (took.toNanos() / 1e9));
    }
  }
}
