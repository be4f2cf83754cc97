package dev.ferry.security.authz;

import dev.ferry.security.Identity;
import dev.ferry.security.tls.ClusterCa;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Turns a TLS session's peer certificate into a Ferry identity, or says precisely why it cannot. */
final class PeerAuthentication {
  sealed interface Result {}

  record Authenticated(Identity identity) implements Result {}

  record Refused(String reason) implements Result {}

  private final ClusterCa ca;

  PeerAuthentication(ClusterCa ca) {
    this.ca = ca;
  }

  Result authenticate(SSLSession session) {
    if (session == null) {
      return new Refused("not a TLS connection");
    }
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return new Refused("no client certificate: Ferry servers require mutual TLS (--tls-cert, --tls-key, --tls-ca)");
    }
    X509Certificate[] chain = new X509Certificate[peer.length];
    for (int i = 0; i < peer.length; i++) {
      if (!(peer[i] instanceof X509Certificate x)) {
        return new Refused("the client certificate is not X.509");
      }
      chain[i] = x;
    }
    try {
      ca.validate(chain);
    } catch (CertificateException e) {
      return new Refused(e.getMessage());
    }
    return identityOf(chain[0]).<Result>map(Authenticated::new)
        .orElseGet(() -> new Refused("certificate " + chain[0].getSubjectX500Principal().getName()
            + " carries no Ferry identity (a URI SAN ferry://ROLE[/NAME])"));
  }

  /** The first ferry:// URI SAN of a certificate. */
  static Optional<Identity> identityOf(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return Optional.empty();
      }
      for (List<?> name : names) {
        // Type 6 is uniformResourceIdentifier (RFC 5280).
        if (Integer.valueOf(6).equals(name.get(0))) {
          Optional<Identity> id = Identity.fromUri(String.valueOf(name.get(1)));
          if (id.isPresent()) {
            return id;
          }
        }
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
  }
}
