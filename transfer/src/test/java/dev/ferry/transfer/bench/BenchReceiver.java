package dev.ferry.transfer.bench;

import dev.ferry.transfer.Admission;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.grpc.TransferService;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import dev.ferry.transfer.testing.MigrationDirs;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The receiving agent of one benchmark row, as its own JVM (so it can live in another network
 * namespace). Prints "BENCH ready PORT PID" once serving, and its peak heap when stopped (SIGTERM).
 *
 * <p>Arguments: target dir, bind address, security (PLAIN, TLS_OPENSSL, TLS_JDK), pki dir.
 */
public final class BenchReceiver {
  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]);
    Security security = Security.valueOf(args[2]);
    Files.createDirectories(target);
    MigrationDirs dirs = new MigrationDirs(target, "bench", "t", "src");
    // Every warm-up round replaces the last one's tree: forty rounds must not fill the benchmark's tmpfs.
    Admission admission = new Admission() {
      @Override
      public Path admit(String migrationId, String token, String sourceNode, String destination) {
        return dirs.admit(migrationId, token, sourceNode, destination);
      }

      @Override
      public boolean replaces(String migrationId, Path existing) {
        return existing.getFileName().toString().startsWith(BenchSender.WARM_UP_DESTINATION);
      }
    };
    Receiver receiver = new Receiver(admission, ReceiverOptions.defaults(), Ticker.SYSTEM);
    Server server = security.serve(NettyServerBuilder.forAddress(new InetSocketAddress(args[1], 0))
        .addService(new TransferService(receiver)), Path.of(args[3]));
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      System.out.println("BENCH heap " + JvmMeters.peakHeap());
      System.out.flush();
    }));
    System.out.println("BENCH ready " + server.getPort() + " " + ProcessHandle.current().pid());
    System.out.flush();
    server.awaitTermination();
  }

  private BenchReceiver() {}
}
