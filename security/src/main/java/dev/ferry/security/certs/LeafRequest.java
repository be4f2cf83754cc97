package dev.ferry.security.certs;

import dev.ferry.security.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What a leaf certificate says: the identity (URI SAN), host names and addresses, and when it is valid. */
public record LeafRequest(Identity identity, List<String> dnsNames, List<String> ipAddresses, Instant notBefore, Instant notAfter) {
  public LeafRequest {
    Objects.requireNonNull(identity, "identity");
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("a certificate must end after it starts (" + notBefore + " .. " + notAfter + ")");
    }
    for (String ip : ipAddresses) {
      if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
        throw new IllegalArgumentException("not an IP address: '" + ip + "'");
      }
    }
  }
}
