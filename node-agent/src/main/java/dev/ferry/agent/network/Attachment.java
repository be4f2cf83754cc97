package dev.ferry.agent.network;

import java.util.Objects;

/**
 * A container's place on the container network, kept for life: its address and prefix. The
 * MAC is derived from the address, so it is the same on every node: switches and neighbours
 * that cached it keep sending to the right place once the new port has spoken (the
 * gratuitous ARP after a restore).
 */
public record Attachment(String address, int prefixLength) {
  public Attachment {
    Objects.requireNonNull(address, "address");
    if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new IllegalArgumentException("not an IPv4 address: '" + address + "'");
    }
    if (prefixLength < 1 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length must be 1..32, got " + prefixLength);
    }
  }

  /** Locally administered unicast (02:), "fe" for Ferry, then the four address bytes. */
  public String mac() {
    String[] octets = address.split("\\.");
    StringBuilder mac = new StringBuilder("02:fe");
    for (String o : octets) {
      mac.append(':').append(String.format("%02x", Integer.parseInt(o)));
    }
    return mac.toString();
  }

  public String cidr() {
    return address + "/" + prefixLength;
  }
}
