package dev.ferry.security.tls;

import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of mutual TLS for a library that brings its own transport (jetcd's unshaded
 * Netty, the JDK's HTTP client): this process's certificate, read again when it changes, and a
 * CA that the server's certificate (naming the address dialled) must chain to, also reloaded.
 */
public final class ClientTls {
  public static final String TLS_1_3 = "TLSv1.3";

  private final TlsFiles files;
  private final ReloadingKeyManager keys;
  private final X509ExtendedTrustManager trust;

  public ClientTls(TlsFiles files) {
    this.files = files;
    this.keys = new ReloadingKeyManager(files.certificate(), files.key());
    this.trust = new ClientTrust(new ClusterCa(files.ca()));
  }

  private ClientTls(TlsFiles files, ReloadingKeyManager keys) {
    this.files = files;
    this.keys = keys;
    this.trust = new SelfTrust(keys);
  }

  /** Presents {@code files}' certificate and trusts only a server presenting that same certificate (a server we run with our key). */
  public static ClientTls toSelf(TlsFiles files) {
    return new ClientTls(files, new ReloadingKeyManager(files.certificate(), files.key()));
  }

  public TlsFiles files() {
    return files;
  }

  public X509ExtendedKeyManager keyManager() {
    return keys;
  }

  public X509ExtendedTrustManager trustManager() {
    return trust;
  }

  /** A JDK TLS 1.3 context over the same reloading managers (probes, health checks). */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance(TLS_1_3);
      context.init(new javax.net.ssl.KeyManager[] {keys}, new javax.net.ssl.TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS 1.3 in this JDK: " + e.getMessage(), e);
    }
  }
}
