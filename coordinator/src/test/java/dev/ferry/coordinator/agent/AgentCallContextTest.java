package dev.ferry.coordinator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.observe.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import dev.ferry.coordinator.grpc.GrpcAgentClient;
import dev.ferry.proto.v1.ContainerInfo;
import dev.ferry.proto.v1.ContainerRef;
import dev.ferry.proto.v1.NodeAgentGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Agent calls run on their own thread (for the time limit); the caller's trace context and log
 * fields must go with them, or the agent's spans start traces of their own (seen in e2e).
 */
class AgentCallContextTest {
  private final AgentCallPolicy policy = new AgentCallPolicy(AgentCallPolicy.Settings.DEFAULT);

  @Test
  void theCallRunsInTheCallersSpanAndLogFields() {
    try (Tracing tracing = Tracing.exportingTo("test", InMemorySpanExporter.create())) {
      Span phase = tracing.tracer().spanBuilder("freeze_and_dump").startSpan();
      MDC.put("migration", "m-9");
      try (Scope s = phase.makeCurrent()) {
        String seen = policy.call("node-a", "Dump", false, Duration.ofSeconds(5),
            () -> Span.current().getSpanContext().getSpanId() + " " + MDC.get("migration"));
        assertThat(seen).isEqualTo(phase.getSpanContext().getSpanId() + " m-9");
      } finally {
        MDC.remove("migration");
        phase.end();
      }
    }
  }

  /**
   * The policy's limit is the RPC's deadline: the agent sees it (and may refuse calls without
   * one), and a call past it is cancelled on the agent's side too, not only abandoned here.
   */
  @Test
  void theLimitReachesTheAgentAsTheCallsDeadlineAndCancelsIt() throws Exception {
    AtomicLong seenMillis = new AtomicLong(-1);
    CountDownLatch cancelled = new CountDownLatch(1);
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).directExecutor().addService(new NodeAgentGrpc.NodeAgentImplBase() {
      @Override
      public void inspectContainer(ContainerRef request, StreamObserver<ContainerInfo> response) {
        var deadline = Context.current().getDeadline();
        seenMillis.set(deadline == null ? -1 : deadline.timeRemaining(TimeUnit.MILLISECONDS));
        if (request.getContainerId().equals("slow")) {
          Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
          return; // never answers
        }
        response.onNext(ContainerInfo.newBuilder().setContainerId(request.getContainerId()).build());
        response.onCompleted();
      }
    }).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      GrpcAgentClient agent = new GrpcAgentClient("node-a", channel);
      policy.call("node-a", "InspectContainer", false, Duration.ofSeconds(7), () -> agent.inspect("ct1"));
      assertThat(seenMillis.get()).as("deadline the agent saw, ms").isBetween(5_000L, 7_000L);

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy.call("node-a", "InspectContainer", false,
          Duration.ofMillis(300), () -> agent.inspect("slow"))).isInstanceOf(AgentException.class);
      assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("the agent's side of the call was cancelled").isTrue();
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
