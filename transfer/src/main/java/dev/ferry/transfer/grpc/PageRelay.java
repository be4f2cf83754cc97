package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.RelayFrame;
import dev.ferry.proto.v1.RelayOpen;
import dev.ferry.proto.v1.TransferGrpc;
import dev.ferry.transfer.RelayRequest;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source half of a CRIU page-server relay: a loopback port that CRIU connects to as if it
 * were the page server ({@code criu dump --page-server --address 127.0.0.1 --port localPort()}).
 * Each connection becomes one RelayPages call to the target agent, which connects it to its own
 * CRIU page server.
 */
public final class PageRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PageRelay.class);

  private final Channel channel;
  private final RelayRequest request;
  private final ServerSocket listener;
  private final List<RelayConnection> connections = new CopyOnWriteArrayList<>();

  private PageRelay(Channel channel, RelayRequest request) throws IOException {
    this.channel = channel;
    this.request = request;
    this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("ferry-relay-accept").start(this::accept);
  }

  /** Starts listening on an ephemeral loopback port. */
  public static PageRelay open(Channel channel, RelayRequest request) throws IOException {
    return new PageRelay(channel, request);
  }

  /** The port to give CRIU. */
  public int localPort() {
    return listener.getLocalPort();
  }

  /** Bytes CRIU sent into the relay, bytes that came back, and frame bytes on the wire (sent). */
  public long bytesFromCriu() {
    return connections.stream().mapToLong(c -> c.bytesIn.get()).sum();
  }

  public long bytesToCriu() {
    return connections.stream().mapToLong(c -> c.bytesOut.get()).sum();
  }

  public long wireBytesSent() {
    return connections.stream().mapToLong(c -> c.wireBytes.get()).sum();
  }

  private void accept() {
    try {
      while (true) {
        Socket socket = listener.accept();
        socket.setTcpNoDelay(true);
        relay(socket);
      }
    } catch (IOException closed) {
      log.debug("page relay on port {} closed", listener.getLocalPort());
    }
  }

  private void relay(Socket socket) {
    RelayConnection connection = new RelayConnection(socket, request.compression());
    connections.add(connection);
    TransferGrpc.newStub(channel).relayPages(new ClientResponseObserver<RelayFrame, RelayFrame>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<RelayFrame> requests) {
        requests.disableAutoRequestWithInitial(1);
        requests.setOnReadyHandler(connection::signalReady);
        connection.attach(requests);
      }

      @Override
      public void onNext(RelayFrame frame) {
        connection.onFrame(frame);
      }

      @Override
      public void onError(Throwable t) {
        log.warn("page relay call failed: {}", GrpcErrors.fromThrowable(t, "target agent").getMessage());
        connection.peerGone();
      }

      @Override
      public void onCompleted() {
        connection.peerGone();
      }
    });
    connection.sendOpen(RelayFrame.newBuilder().setOpen(RelayOpen.newBuilder()
        .setMigrationId(request.migrationId()).setToken(request.token()).setSourceNode(request.sourceNode())
        .setTargetPort(request.targetPort())).build());
    connection.pumpSocket();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
