package dev.ferry.security.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts one server only: one presenting this process's own current certificate. For a server
 * this process starts with its own key (the coordinator's local etcd on loopback), where the
 * certificate need not name 127.0.0.1 and nothing else may answer in its place.
 */
final class SelfTrust extends X509ExtendedTrustManager {
  private final ReloadingKeyManager own;

  SelfTrust(ReloadingKeyManager own) {
    this.own = own;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0 || !chain[0].equals(own.certificate())) {
      throw new CertificateException("the server did not present this process's own certificate "
          + own.certificate().getSubjectX500Principal().getName() + (chain == null || chain.length == 0 ? ""
          : " but " + chain[0].getSubjectX500Principal().getName()));
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a client trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
