package dev.ferry.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.Migration;
import dev.ferry.proto.v1.MigrateRequest;
import dev.ferry.security.Transport;
import dev.ferry.security.audit.AuditRecord;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** --insecure: plaintext and no authorization, but mutating calls are still audited (as the peer's address). */
class InsecureTransportIT {
  @Test
  void plaintextCallsWorkAndAreAuditedByAddress() throws Exception {
    List<AuditRecord> audit = new CopyOnWriteArrayList<>();
    Server server = Transport.insecure().secure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), audit::add, "test")
        .addService(new CoordinatorGrpc.CoordinatorImplBase() {
          @Override
          public void migrate(MigrateRequest request, StreamObserver<Migration> response) {
            response.onNext(Migration.newBuilder().setContainerId(request.getContainerId()).build());
            response.onCompleted();
          }
        }).build().start();
    ManagedChannel channel = Transport.insecure().channel("127.0.0.1:" + server.getPort()).build();
    try {
      assertThat(CoordinatorGrpc.newBlockingStub(channel).migrate(MigrateRequest.newBuilder().setContainerId("ct42").build())
          .getContainerId()).isEqualTo("ct42");
      assertThat(audit).singleElement().satisfies(r -> {
        assertThat(r.identity()).startsWith("insecure /127.0.0.1");
        assertThat(r.outcome()).isEqualTo("OK");
      });
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
