package dev.ferry.security.tls;

import dev.ferry.security.certs.Pem;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The cluster CA(s) this process trusts, read again when the file changes (a CA rotation lists old and new). */
public final class ClusterCa {
  private record Anchors(List<X509Certificate> cas, X509ExtendedTrustManager jdk) {}

  private final Reloading<Anchors> anchors;

  public ClusterCa(Path caFile) {
    this.anchors = new Reloading<>("CA " + caFile, List.of(caFile), () -> read(caFile));
  }

  public X509Certificate[] certificates() {
    return anchors.get().cas().toArray(X509Certificate[]::new);
  }

  /** The JDK's PKIX trust manager over the current CAs (it also checks a server's host name against its SANs). */
  X509ExtendedTrustManager jdk() {
    return anchors.get().jdk();
  }

  /**
   * Checks a peer's chain against the cluster CA now; the message says why it is refused
   * (expired, not yet valid, signed by another CA).
   */
  public void validate(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no client certificate");
    }
    X509Certificate leaf = chain[0];
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName() + " expired on " + leaf.getNotAfter().toInstant(), e);
    } catch (CertificateNotYetValidException e) {
      throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName() + " is not valid before "
          + leaf.getNotBefore().toInstant(), e);
    }
    try {
      Set<TrustAnchor> trust = anchors.get().cas().stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
      PKIXParameters params = new PKIXParameters(trust);
      params.setRevocationEnabled(false);
      var path = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain));
      CertPathValidator.getInstance("PKIX").validate(path, params);
    } catch (CertPathValidatorException e) {
      throw new CertificateException("certificate " + leaf.getSubjectX500Principal().getName()
          + " is not signed by this cluster's CA (" + e.getReason() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new CertificateException("cannot validate certificate " + leaf.getSubjectX500Principal().getName() + ": " + e.getMessage(), e);
    }
  }

  private static Anchors read(Path caFile) {
    List<X509Certificate> cas = Pem.readCertificates(caFile);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      X509ExtendedTrustManager jdk = Arrays.stream(factory.getTrustManagers())
          .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast).findFirst()
          .orElseThrow(() -> new IllegalStateException("the JDK has no PKIX X509ExtendedTrustManager"));
      return new Anchors(cas, jdk);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot use the CA in " + caFile + ": " + e.getMessage(), e);
    }
  }
}
