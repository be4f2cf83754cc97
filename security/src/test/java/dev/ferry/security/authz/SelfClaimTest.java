package dev.ferry.security.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.proto.v1.Chunk;
import dev.ferry.proto.v1.FrameBatch;
import dev.ferry.proto.v1.RegisterNodeRequest;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferOpen;
import org.junit.jupiter.api.Test;

class SelfClaimTest {
  @Test
  void readsATopLevelField() {
    assertThat(SelfClaim.read(RegisterNodeRequest.newBuilder().setNode("nodeA").build(), "node")).containsExactly("nodeA");
    assertThat(SelfClaim.read(RegisterNodeRequest.getDefaultInstance(), "node")).containsExactly("");
  }

  @Test
  void findsTheOpenFrameAtTheTopOrInsideABatch() {
    TransferFrame open = TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setSourceNode("nodeB")).build();
    assertThat(SelfClaim.read(open, "open.source_node")).containsExactly("nodeB");
    TransferFrame batch = TransferFrame.newBuilder().setBatch(FrameBatch.newBuilder()
        .addFrames(TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setSourceNode("nodeC")))).build();
    assertThat(SelfClaim.read(batch, "open.source_node")).containsExactly("nodeC");
  }

  @Test
  void aDataFrameClaimsNothing() {
    assertThat(SelfClaim.read(TransferFrame.newBuilder().setChunk(Chunk.getDefaultInstance()).build(), "open.source_node")).isEmpty();
  }
}
