package dev.ferry.security.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.proto.v1.Chunk;
import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.proto.v1.Strategy;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferOpen;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {
  @Test
  void aHugeContainerNameIsNamedWithItsLengthAndTheLimit() {
    String name = "c".repeat(10 << 20);
    assertThat(RequestLimits.violation(MigrateRequest.newBuilder().setContainerId(name).build()))
        .contains("MigrateRequest.container_id is 10485760 characters long; at most 253");
  }

  @Test
  void nestedNamesAreCheckedToo() {
    var frame = TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setSourceNode("n".repeat(300))).build();
    assertThat(RequestLimits.violation(frame)).contains("TransferFrame.open.source_node is 300 characters long; at most 253");
  }

  @Test
  void mapsAreBoundedInEntriesAndKeyLength() {
    var many = CreateContainerRequest.newBuilder();
    for (int i = 0; i < 300; i++) {
      many.putLabels("k" + i, "v");
    }
    assertThat(RequestLimits.violation(many.build())).contains("CreateContainerRequest.labels has 300 entries; at most 256");
    assertThat(RequestLimits.violation(CreateContainerRequest.newBuilder().putLabels("k".repeat(254), "v").build()))
        .contains("CreateContainerRequest.labels has a key of 254 characters; at most 253");
  }

  @Test
  void anEnumNumberThisBuildDoesNotKnowIsRefusedNotDefaulted() {
    assertThat(RequestLimits.violation(MigrateRequest.newBuilder().setContainerId("ct42").setStrategyValue(42).build()))
        .hasValueSatisfying(v -> assertThat(v).startsWith("MigrateRequest.strategy has the unknown value 42; known: [STRATEGY_UNSPECIFIED"));
    assertThat(RequestLimits.violation(MigrateRequest.newBuilder().setOnNonConvergenceValue(-3).build()))
        .hasValueSatisfying(v -> assertThat(v).startsWith("MigrateRequest.on_non_convergence has the unknown value -3"));
    var chunk = TransferFrame.newBuilder().setChunk(Chunk.newBuilder().setCompressionValue(9)).build();
    assertThat(RequestLimits.violation(chunk)).hasValueSatisfying(v -> assertThat(v).startsWith("TransferFrame.chunk.compression has the unknown value 9"));
    assertThat(RequestLimits.violation(MigrateRequest.newBuilder().setStrategy(Strategy.STRATEGY_POSTCOPY).build())).isEmpty();
  }

  @Test
  void durationsAndTimestampsOutsideTheirDocumentedRangeAreRefused() {
    var huge = MigrateRequest.newBuilder().setDowntimeBudget(com.google.protobuf.Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(1)).build();
    assertThat(RequestLimits.violation(huge)).hasValueSatisfying(v -> assertThat(v).startsWith("MigrateRequest.downtime_budget is not a valid duration"));
    var nanosOverASecond = MigrateRequest.newBuilder().setDowntimeBudget(com.google.protobuf.Duration.newBuilder().setNanos(1_000_000_000)).build();
    assertThat(RequestLimits.violation(nanosOverASecond)).isPresent();
    // As Ferry's mappers write a negative java.time.Duration (-0.5 s): accepted.
    var javaTimeNegative = MigrateRequest.newBuilder().setDowntimeBudget(com.google.protobuf.Duration.newBuilder().setSeconds(-1).setNanos(500_000_000)).build();
    assertThat(RequestLimits.violation(javaTimeNegative)).isEmpty();
    assertThat(RequestLimits.violation(MigrateRequest.newBuilder().setDowntimeBudget(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000)).build())).isEmpty();
  }

  @Test
  void ordinaryRequestsPass() {
    assertThat(RequestLimits.violation(MigrateRequest.newBuilder().setContainerId("ct42").setTargetNode("nodeB")
        .setRequestId("0b0e7f0c-2d55-4d0f-9a43-2f7f8a9d3c11").build())).isEmpty();
    assertThat(RequestLimits.violation(CreateContainerRequest.newBuilder().setContainerId("ct42").putLabels("app", "web")
        .putEnv("PATH", "/bin:" + "x".repeat(5000)).build())).isEmpty();
  }
}
