package dev.ferry.coordinator.testkit;

import dev.ferry.coordinator.etcd.EmbeddedEtcd;
import dev.ferry.coordinator.etcd.Etcd;
import dev.ferry.process.SystemProcessRunner;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd (the /usr/bin/etcd binary, started through ProcessRunner) per test class, on free
 * loopback ports with a temporary data directory; every Ferry key is wiped before each test.
 *
 * <pre>{@code @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();}</pre>
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private Path dir;
  private EmbeddedEtcd etcd;
  private Client client;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("ferry-etcd-");
    etcd = EmbeddedEtcd.start(new SystemProcessRunner(), dir.resolve("data"), Timing.seconds(20));
    client = newClient();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Etcd.await("wipe /ferry/", client.getKVClient().delete(Etcd.bytes("/ferry/"),
        DeleteOption.builder().isPrefix(true).build()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
    deleteTree(dir);
  }

  /** The shared client; closed after the class. */
  public Client client() {
    return client;
  }

  /** A client of its own (another coordinator), closed by the caller. */
  public Client newClient() {
    return Client.builder().endpoints(etcd.endpoint()).build();
  }

  public String endpoint() {
    return etcd.endpoint();
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
