package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.RelayFrame;
import dev.ferry.transfer.RelayAdmission;
import dev.ferry.transfer.TransferException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** The target half of a page relay: admits the call, connects to the local CRIU port, relays. */
final class RelayCall implements StreamObserver<RelayFrame> {
  private final RelayAdmission admission;
  private final ServerCallStreamObserver<RelayFrame> responses;
  private volatile RelayConnection connection;

  RelayCall(RelayAdmission admission, ServerCallStreamObserver<RelayFrame> responses) {
    this.admission = admission;
    this.responses = responses;
    responses.disableAutoRequest();
    responses.setOnReadyHandler(() -> {
      RelayConnection c = connection;
      if (c != null) {
        c.signalReady();
      }
    });
    responses.setOnCancelHandler(() -> {
      if (connection != null) {
        connection.peerGone();
      }
    });
    responses.request(1);
  }

  @Override
  public void onNext(RelayFrame frame) {
    if (connection != null) {
      connection.onFrame(frame);
      return;
    }
    try {
      if (!frame.hasOpen()) {
        throw TransferException.invalid("the first relay frame must be RelayOpen, was " + frame.getFrameCase());
      }
      var open = frame.getOpen();
      admission.admitRelay(open.getMigrationId(), open.getToken(), open.getSourceNode(), open.getTargetPort());
      Socket socket = connect(open.getTargetPort());
      // The target sends back raw: page-server replies are small acknowledgements.
      RelayConnection c = new RelayConnection(socket, null);
      c.attach(responses);
      connection = c;
      c.pumpSocket();
      responses.request(1);
    } catch (RuntimeException e) {
      responses.onError(GrpcErrors.toStatus(e));
    }
  }

  private static Socket connect(int port) {
    try {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      return socket;
    } catch (IOException e) {
      throw new TransferException(dev.ferry.transfer.FailureReason.FAILED_PRECONDITION,
          "no page server listens on local port " + port + ": " + e.getMessage());
    }
  }

  @Override
  public void onError(Throwable t) {
    if (connection != null) {
      connection.peerGone();
    }
  }

  @Override
  public void onCompleted() {
    // The source half-closes with a frame first; the call ends when both directions are done.
  }
}
