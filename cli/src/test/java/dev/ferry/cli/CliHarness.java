package dev.ferry.cli;

import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs the real picocli command tree against a {@link FakeCoordinator} served in-process. */
final class CliHarness implements AutoCloseable {
  final FakeCoordinator fake = new FakeCoordinator();
  final List<dev.ferry.proto.v1.AuditEntry> auditEntries = new CopyOnWriteArrayList<>();
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final String serverName = InProcessServerBuilder.generateName();
  private final Server server;

  record Result(int exitCode, String out, String err) {}

  CliHarness() {
    try {
      server = InProcessServerBuilder.forName(serverName).directExecutor().addService(fake)
          .addService(new dev.ferry.proto.v1.AuditGrpc.AuditImplBase() {
            @Override
            public void listAudit(dev.ferry.proto.v1.ListAuditRequest request,
                io.grpc.stub.StreamObserver<dev.ferry.proto.v1.ListAuditResponse> response) {
              response.onNext(dev.ferry.proto.v1.ListAuditResponse.newBuilder()
                  .addAllEntries(auditEntries.subList(0, Math.min(request.getLimit(), auditEntries.size()))).build());
              response.onCompleted();
            }
          }).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Output to a pipe (no terminal). */
  Result run(String... args) {
    return run(false, args);
  }

  Result run(boolean terminal, String... args) {
    // The coordinator address from the environment is the in-process server's name.
    return run(terminal, (target, transport) -> InProcessChannelBuilder.forName(target).directExecutor().build(), args);
  }

  Result run(boolean terminal, ChannelFactory channels, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var runtime = new CliRuntime(new PrintWriter(out, true), new PrintWriter(err, true), terminal,
        Map.of(CliRuntime.COORDINATOR_ENV, serverName), channels, sleeps::add);
    int code = MigrateCli.run(runtime, args);
    return new Result(code, out.toString(), err.toString());
  }

  String serverName() {
    return serverName;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
