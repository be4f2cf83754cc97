package dev.ferry.coordinator.etcd;

import dev.ferry.security.tls.ClientTls;
import dev.ferry.security.tls.TlsFiles;
import java.util.List;

/**
 * How an etcd we start serves its clients: https with {@code server}'s certificate and key, and
 * only to clients whose certificate chains to {@code server.ca()} (--client-cert-auth). {@code
 * client} is what we check its health with (the coordinator's own certificate, typically).
 */
public record EtcdServerTls(TlsFiles server, ClientTls client) {
  /** etcd's flags for it (etcd reads the certificate and key again on every handshake; the CA only at start). */
  List<String> flags() {
    return List.of("--client-cert-auth", "--trusted-ca-file", server.ca().toString(),
        "--cert-file", server.certificate().toString(), "--key-file", server.key().toString());
  }
}
