package dev.ferry.transfer.testing;

import dev.ferry.transfer.Admission;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.grpc.TransferService;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A Transfer service on a real Netty server bound to loopback. */
public final class LoopbackTransfer implements AutoCloseable {
  private final Server server;
  private final Receiver receiver;

  public LoopbackTransfer(Admission admission, ServerInterceptor... interceptors) throws IOException {
    this.receiver = new Receiver(admission, new ReceiverOptions(0, Duration.ofMinutes(5)), Ticker.SYSTEM);
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new TransferService(receiver), interceptors))
        .build().start();
  }

  public int port() {
    return server.getPort();
  }

  public Receiver receiver() {
    return receiver;
  }

  public ManagedChannel channelTo(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  public ManagedChannel channel() {
    return channelTo(port());
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }
}
