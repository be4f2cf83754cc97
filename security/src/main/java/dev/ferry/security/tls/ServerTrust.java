package dev.ferry.security.tls;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A server's trust manager that lets the handshake finish whatever certificate the client shows
 * (the handshake still proves the client holds its key), so the authorization interceptor can
 * validate it against the cluster CA and answer UNAUTHENTICATED with a reason, instead of the
 * client seeing a bare connection reset. Only ever installed together with that interceptor
 * ({@link SecureServers}).
 */
final class ServerTrust extends X509ExtendedTrustManager {
  private final ClusterCa ca;

  ServerTrust(ClusterCa ca) {
    this.ca = ca;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {}

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    throw new UnsupportedOperationException("a server trust manager checks clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    throw new UnsupportedOperationException("a server trust manager checks clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    throw new UnsupportedOperationException("a server trust manager checks clients only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    // Tells clients which CA's certificate to present.
    return ca.certificates();
  }
}
