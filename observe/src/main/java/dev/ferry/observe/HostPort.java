package dev.ferry.observe;

import java.net.InetSocketAddress;

/** Parses the {@code host:port} of a listen flag, with a message that names the flag. */
public final class HostPort {
  private HostPort() {}

  public static InetSocketAddress parse(String flag, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(flag + " must be host:port, was '" + value + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " has no valid port in '" + value + "'");
    }
  }
}
