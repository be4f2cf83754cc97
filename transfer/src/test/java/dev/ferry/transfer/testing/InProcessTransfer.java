package dev.ferry.transfer.testing;

import dev.ferry.transfer.Admission;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.grpc.TransferService;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** A Transfer service on an in-process server, and a channel to it. */
public final class InProcessTransfer implements AutoCloseable {
  private final Server server;
  private final ManagedChannel channel;
  private final Receiver receiver;

  public InProcessTransfer(Admission admission, ClientInterceptor... interceptors) throws IOException {
    String name = InProcessServerBuilder.generateName();
    this.receiver = new Receiver(admission, new ReceiverOptions(0, java.time.Duration.ofMinutes(5)), Ticker.SYSTEM);
    this.server = InProcessServerBuilder.forName(name).addService(new TransferService(receiver)).build().start();
    this.channel = InProcessChannelBuilder.forName(name).intercept(interceptors).build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  public Receiver receiver() {
    return receiver;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
