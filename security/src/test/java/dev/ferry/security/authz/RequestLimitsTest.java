package dev.ferry.security.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.proto.v1.CreateContainerRequest;
import dev.ferry.proto.v1.MigrateRequest;
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
  void ordinaryRequestsPass() {
    assertThat(RequestLimits.violation(MigrateRequest.newBuilder().setContainerId("ct42").setTargetNode("nodeB")
        .setRequestId("0b0e7f0c-2d55-4d0f-9a43-2f7f8a9d3c11").build())).isEmpty();
    assertThat(RequestLimits.violation(CreateContainerRequest.newBuilder().setContainerId("ct42").putLabels("app", "web")
        .putEnv("PATH", "/bin:" + "x".repeat(5000)).build())).isEmpty();
  }
}
