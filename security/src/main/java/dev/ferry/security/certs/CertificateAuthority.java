package dev.ferry.security.certs;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority: a self-signed CA (EC P-256) kept as {@code ca.crt} and
 * {@code ca.key} in a directory, issuing leaf certificates with the identity in a URI SAN.
 */
public final class CertificateAuthority {
  public static final String CERT_FILE = "ca.crt";
  public static final String KEY_FILE = "ca.key";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA valid from {@code notBefore} to {@code notAfter}, written into {@code dir}; refuses to overwrite one. */
  public static CertificateAuthority create(Path dir, String name, Instant notBefore, Instant notAfter) {
    if (Files.exists(dir.resolve(KEY_FILE))) {
      throw new IllegalStateException("a CA already exists in " + dir + " (" + KEY_FILE + "); refusing to replace it");
    }
    CertificateAuthority ca = generate(name, notBefore, notAfter);
    Pem.writePrivateKey(dir.resolve(KEY_FILE), ca.key);
    Pem.writeCertificates(dir.resolve(CERT_FILE), List.of(ca.certificate));
    return ca;
  }

  /** A CA that lives only in memory (tests: "a certificate from another CA"). */
  public static CertificateAuthority generate(String name, Instant notBefore, Instant notAfter) {
    try {
      KeyPair pair = newKeyPair();
      X500Principal subject = new X500Principal("CN=" + name + ",O=Ferry");
      var builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore), Date.from(notAfter), subject,
          pair.getPublic());
      var ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
    }
  }

  public static CertificateAuthority load(Path dir) {
    return new CertificateAuthority(Pem.readCertificates(dir.resolve(CERT_FILE)).getFirst(), Pem.readPrivateKey(dir.resolve(KEY_FILE)));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public IssuedCertificate issue(LeafRequest request) {
    try {
      KeyPair pair = newKeyPair();
      var subject = new X500Principal("CN=" + request.identity() + ",O=Ferry");
      var builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(request.notBefore()),
          Date.from(request.notAfter()), subject, pair.getPublic());
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.uniformResourceIdentifier, request.identity().uri().toString()));
      request.dnsNames().forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
      request.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
      var ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          // Every Ferry process is both a server and a client (agents call peers, the coordinator calls agents).
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new IssuedCertificate(sign(builder, key), pair.getPrivate());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + request.identity() + ": " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
    try {
      var contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }
}
