package dev.ferry.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.observe.Observability;
import dev.ferry.observe.Tracing;
import dev.ferry.observe.grpc.TraceContextClientInterceptor;
import dev.ferry.proto.v1.DumpRequest;
import dev.ferry.proto.v1.DumpResult;
import dev.ferry.proto.v1.MigrationContext;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.SendImagesRequest;
import dev.ferry.proto.v1.TransferProgress;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;
import org.slf4j.MDC;

/**
 * The agent's call observer over in-process gRPC, with a scripted NodeAgent service standing in
 * for the steps: the caller's trace context arrives, the step's span is its child, the handler
 * runs with the log fields, and the metrics count it. Real CRIU steps under the same observer
 * run in e2e-tests' ObservabilityIT.
 */
class AgentCallObserverTest {
  private final InMemorySpanExporter agentSpans = InMemorySpanExporter.create();
  private final InMemorySpanExporter callerSpans = InMemorySpanExporter.create();
  private final Observability agent = Observability.start("ferry-agent", null,
      Tracing.exportingTo("ferry-agent", agentSpans));
  private final Tracing caller = Tracing.exportingTo("ferry-coordinator", callerSpans);
  private final List<String> seenInHandler = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  /** Scripted: Dump answers or fails on request, SendImages streams two progress messages. */
  private final NodeAgentGrpc.NodeAgentImplBase service = new NodeAgentGrpc.NodeAgentImplBase() {
    @Override
    public void dump(DumpRequest req, StreamObserver<DumpResult> out) {
      seenInHandler.add(MDC.get("migration") + "/" + MDC.get("container") + "/" + MDC.get("node") + " trace="
          + MDC.get("trace_id") + " span=" + Span.current().getSpanContext().getSpanId());
      if (req.getContainerId().equals("broken")) {
        out.onError(Status.FAILED_PRECONDITION.withDescription("criu dump failed").asRuntimeException());
        return;
      }
      out.onNext(DumpResult.newBuilder().setContainerId(req.getContainerId()).setImageBytes(4096).build());
      out.onCompleted();
    }

    @Override
    public void sendImages(SendImagesRequest req, StreamObserver<TransferProgress> out) {
      out.onNext(TransferProgress.newBuilder().setBytesRaw(1 << 20).setBytesOnWire(1 << 18).build());
      out.onNext(TransferProgress.newBuilder().setBytesRaw(8 << 20).setBytesOnWire(2 << 20).setDone(true).build());
      out.onCompleted();
    }
  };

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    var metrics = new AgentMetrics(agent.registry(), () -> 3, () -> 2);
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service)
        .intercept(new AgentCallObserver("nodeA", agent.openTelemetry(), metrics)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor()
        .intercept(new TraceContextClientInterceptor(caller.openTelemetry())).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    agent.close();
    caller.close();
  }

  private static DumpRequest dump(String container) {
    return DumpRequest.newBuilder().setContainerId(container)
        .setMigration(MigrationContext.newBuilder().setMigrationId("m-7")).build();
  }

  @Test
  void theStepSpanIsAChildOfTheCallersAndTheHandlerLogsWithTheMigrationFields() {
    Span phase = caller.tracer().spanBuilder("freeze_and_dump").startSpan();
    try (Scope s = phase.makeCurrent()) {
      NodeAgentGrpc.newBlockingStub(channel).dump(dump("ct42"));
    } finally {
      phase.end();
    }

    SpanData step = agentSpans.getFinishedSpanItems().getFirst();
    assertThat(step.getName()).isEqualTo("ferry.v1.NodeAgent/Dump");
    assertThat(step.getTraceId()).isEqualTo(phase.getSpanContext().getTraceId());
    assertThat(step.getParentSpanId()).isEqualTo(phase.getSpanContext().getSpanId());
    assertThat(step.getAttributes().asMap().toString()).contains("ferry.migration.id=m-7", "ferry.container.id=ct42",
        "ferry.node=nodeA");
    assertThat(seenInHandler).containsExactly("m-7/ct42/nodeA trace=" + phase.getSpanContext().getTraceId()
        + " span=" + step.getSpanId());
    assertThat(MDC.get("migration")).as("fields do not leak past the call").isNull();
    assertThat(agent.registry().scrape()).contains(
        "ferry_agent_criu_step_seconds_count{outcome=\"ok\",service=\"ferry-agent\",step=\"dump\"} 1",
        "ferry_agent_stale_epoch_refusals_total{service=\"ferry-agent\"} 2.0");
  }

  @Test
  void aFailedStepIsAnErrorSpanAndCountedAsAnError() {
    Assertions.assertThrows(StatusRuntimeException.class, () -> NodeAgentGrpc.newBlockingStub(channel).dump(dump("broken")));

    SpanData step = agentSpans.getFinishedSpanItems().getFirst();
    assertThat(step.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(step.getStatus().getDescription()).contains("FAILED_PRECONDITION", "criu dump failed");
    String scrape = agent.registry().scrape();
    assertThat(scrape).contains("ferry_agent_criu_step_seconds_count{outcome=\"error\",service=\"ferry-agent\",step=\"dump\"} 1");
    assertThat(scrape).contains("ferry_agent_request_seconds_count{code=\"FAILED_PRECONDITION\","
        + "method=\"ferry.v1.NodeAgent/Dump\",service=\"ferry-agent\"} 1");
  }

  @Test
  void aFinishedTransferCountsItsBytesAndThroughputOnce() {
    NodeAgentGrpc.newBlockingStub(channel).sendImages(SendImagesRequest.newBuilder().setContainerId("ct42").build())
        .forEachRemaining(p -> {});

    String scrape = agent.registry().scrape();
    assertThat(scrape).contains("ferry_agent_transfer_bytes_total{kind=\"raw\",service=\"ferry-agent\"} 8388608.0");
    assertThat(scrape).contains("ferry_agent_transfer_bytes_total{kind=\"wire\",service=\"ferry-agent\"} 2097152.0");
    assertThat(scrape).contains("ferry_agent_transfer_throughput_bytes_per_second_count{service=\"ferry-agent\"} 1");
    assertThat(scrape).contains("ferry_agent_containers{service=\"ferry-agent\"} 3.0");
  }
}
