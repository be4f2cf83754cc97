package dev.ferry.security.tls;

import dev.ferry.security.certs.Pem;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents this process's certificate, read again from disk when the files change: a rotated
 * certificate is used from the next handshake on, and connections already open keep theirs.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private record Material(String alias, X509Certificate[] chain, PrivateKey key) {}

  private final Reloading<Material> material;
  private volatile Material previous;
  private Material current;

  public ReloadingKeyManager(Path certificate, Path key) {
    int[] generation = {0};
    // A new alias per load, so no layer that caches key material by alias can serve a stale one.
    this.material = new Reloading<>("certificate " + certificate, List.of(certificate, key), () -> new Material(
        "ferry-" + generation[0]++, Pem.readCertificates(certificate).toArray(X509Certificate[]::new), Pem.readPrivateKey(key)));
  }

  public X509Certificate certificate() {
    return latest().chain()[0];
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {latest().alias()};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return latest().alias();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return latest().alias();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {latest().alias()};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return latest().alias();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return latest().alias();
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Material m = byAlias(alias);
    return m == null ? null : m.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Material m = byAlias(alias);
    return m == null ? null : m.key();
  }

  /** The chain and key of the alias a handshake chose, even if a reload happened in between. */
  private Material byAlias(String alias) {
    Material now = latest();
    if (now.alias().equals(alias)) {
      return now;
    }
    Material before = previous;
    return before != null && before.alias().equals(alias) ? before : null;
  }

  private synchronized Material latest() {
    Material m = material.get();
    if (m != current) {
      previous = current;
      current = m;
    }
    return m;
  }
}
