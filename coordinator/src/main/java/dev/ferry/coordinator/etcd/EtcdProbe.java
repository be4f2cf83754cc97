package dev.ferry.coordinator.etcd;

import dev.ferry.security.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Asks every etcd endpoint for /health the way the coordinator will talk to it, before anything
 * starts: a TLS mismatch (a refused or missing client certificate, an untrusted or misnamed
 * server certificate, plaintext on one side only) is a configuration error, reported with the
 * endpoint and TLS's reason rather than as jetcd's endless retries. An endpoint that is merely
 * down is not fatal: etcd members come and go, and jetcd waits for them.
 */
public final class EtcdProbe {
  private static final String PLAINTEXT_ETCD = "it does not speak TLS (a plaintext etcd?): use http:// for it, or start "
      + "etcd with --cert-file, --key-file, --trusted-ca-file and --client-cert-auth";

  private EtcdProbe() {}

  /** What one endpoint answered. */
  public sealed interface Result {
    String endpoint();

    record Healthy(String endpoint) implements Result {}

    /** Reachable and speaking our protocol, but not (yet) healthy: etcd's own answer. */
    record Answered(String endpoint, String statusLine) implements Result {}

    record Unreachable(String endpoint, String reason) implements Result {}

    /** The connection cannot work as configured; {@code reason} says why and what to change. */
    record Misconfigured(String endpoint, String reason) implements Result {}
  }

  /**
   * Probes every endpoint.
   *
   * @throws EtcdTlsException on the first endpoint whose TLS set-up cannot work
   */
  public static List<Result> check(EtcdConnection connection, Duration timeout) {
    List<Result> results = new ArrayList<>();
    for (String endpoint : connection.endpoints()) {
      Result r = probe(endpoint, connection, timeout);
      if (r instanceof Result.Misconfigured m) {
        throw new EtcdTlsException(m.endpoint(), m.reason());
      }
      results.add(r);
    }
    return results;
  }

  static Result probe(String endpoint, EtcdConnection connection, Duration timeout) {
    URI uri = URI.create(endpoint);
    int millis = (int) timeout.toMillis();
    boolean https = uri.getScheme().equals("https");
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), millis);
      raw.setSoTimeout(millis);
      if (!https) {
        return answer(endpoint, raw, uri, false);
      }
      ClientTls tls = connection.tls().orElseThrow();
      try (SSLSocket socket = (SSLSocket) tls.sslContext().getSocketFactory().createSocket(raw, uri.getHost(), uri.getPort(), true)) {
        var params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // etcd's certificate must name the address dialled
        socket.setSSLParameters(params);
        try {
          socket.startHandshake();
        } catch (IOException e) {
          // A plaintext etcd resets or drops a ClientHello: tell that apart from a member that is down.
          if (speaksPlainHttp(uri, millis)) {
            return new Result.Misconfigured(endpoint, PLAINTEXT_ETCD);
          }
          return e instanceof SSLException ssl ? new Result.Misconfigured(endpoint, serverRefused(ssl, tls))
              : new Result.Unreachable(endpoint, "TLS handshake: " + e.getMessage());
        }
        try {
          return answer(endpoint, socket, uri, true);
        } catch (SSLException e) {
          // TLS 1.3: the server judges our certificate after the handshake and says so in an alert.
          return new Result.Misconfigured(endpoint, "etcd refused this coordinator's client certificate "
              + tls.files().certificate() + " (" + e.getMessage() + "): it must be issued by the CA etcd trusts "
              + "(its --trusted-ca-file) and carry extendedKeyUsage clientAuth (`ferry certs issue` certificates do)");
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return new Result.Unreachable(endpoint, "no answer within " + millis + " ms");
    } catch (IOException e) {
      return new Result.Unreachable(endpoint, e.getMessage());
    }
  }

  private static String serverRefused(SSLException e, ClientTls tls) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("PKIX") || message.contains("certification path")) {
      return "its server certificate is not signed by the etcd CA " + tls.files().ca() + " (" + message + ")";
    }
    if (message.contains("subject alternative") || message.contains("No name matching")) {
      return "its server certificate does not name the address dialled (" + message + "): issue it with that --ip/--dns";
    }
    if (message.contains("alert")) {
      return "etcd ended the TLS handshake (" + message + "): it may not accept TLS 1.3 or this client certificate "
          + tls.files().certificate();
    }
    return "TLS handshake failed: " + message;
  }

  private static Result answer(String endpoint, Socket socket, URI uri, boolean https) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET /health HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String reply = read(socket.getInputStream());
    if (!https && reply.isEmpty() && speaksTls(uri, socket.getSoTimeout())) {
      // etcd's TLS listener closes a plaintext request without a word: ask it for a TLS handshake instead.
      return new Result.Misconfigured(endpoint, "it serves TLS but the endpoint is plaintext http://: use https://"
          + uri.getHost() + ":" + uri.getPort() + " with --etcd-cert, --etcd-key and --etcd-ca");
    }
    String statusLine = reply.lines().findFirst().orElse("(no answer)");
    if (statusLine.contains(" 200 ") && reply.contains("\"health\":\"true\"")) {
      return new Result.Healthy(endpoint);
    }
    if (reply.isEmpty()) {
      return new Result.Unreachable(endpoint, "closed the connection without an answer");
    }
    return new Result.Answered(endpoint, statusLine);
  }

  /** True when the endpoint answers a ClientHello with a certificate: it speaks TLS (no trust is given, no data sent). */
  private static boolean speaksTls(URI uri, int millis) {
    boolean[] sawCertificate = {false};
    var recorder = new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
          throws java.security.cert.CertificateException {
        sawCertificate[0] = true;
        throw new java.security.cert.CertificateException("probe only");
      }

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    };
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), millis);
      raw.setSoTimeout(millis);
      var context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {recorder}, null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, uri.getHost(), uri.getPort(), true)) {
        socket.startHandshake();
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      // Expected: the recorder refuses whatever it is shown.
    }
    return sawCertificate[0];
  }

  /** True when the endpoint answers a plaintext HTTP request with an HTTP status line. */
  private static boolean speaksPlainHttp(URI uri, int millis) {
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), millis);
      raw.setSoTimeout(millis);
      raw.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return read(raw.getInputStream()).startsWith("HTTP/1.");
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    int total = 0;
    int n;
    while (total < buffer.length && (n = in.read(buffer, total, buffer.length - total)) > 0) {
      total += n;
    }
    return new String(buffer, 0, total, StandardCharsets.US_ASCII);
  }
}
