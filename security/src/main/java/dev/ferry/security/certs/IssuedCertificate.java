package dev.ferry.security.certs;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A certificate and its private key, as issued. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {
  /** Writes {@code certFile} (PEM) and {@code keyFile} (PKCS#8 PEM, owner-only). */
  public void writeTo(Path certFile, Path keyFile) {
    Pem.writePrivateKey(keyFile, key);
    Pem.writeCertificates(certFile, java.util.List.of(certificate));
  }
}
