package dev.ferry.coordinator.ipam;

import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * An IPv4 container network such as 198.18.71.0/24. Its first host address is kept for the
 * gateway (the node's bridge); containers get the addresses after it, network and broadcast
 * excluded. Addresses are held as unsigned 32-bit values in a long.
 */
public record ContainerNetwork(long base, int prefixLength) {
  /** A /31 or /32 leaves no room for a gateway and a container. */
  public static final int MAX_PREFIX = 30;
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern PREFIX = Pattern.compile("[0-9]{1,2}");

  public ContainerNetwork {
    if (prefixLength < 0 || prefixLength > MAX_PREFIX) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-" + MAX_PREFIX);
    }
    if ((base & ~mask(prefixLength)) != 0 || base < 0 || base > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("base " + format(base) + " is not the start of a /" + prefixLength);
    }
  }

  /** Parses CIDR notation; every refusal says what is wrong with the given text. */
  public static ContainerNetwork parse(String cidr) {
    if (cidr == null || cidr.isBlank()) {
      throw new IllegalArgumentException("container network is required, in CIDR notation such as 198.18.71.0/24");
    }
    String shown = "container network '" + cidr + "'";
    int slash = cidr.indexOf('/');
    if (cidr.contains(":")) {
      throw new IllegalArgumentException(shown + " is not IPv4: only IPv4 container networks are supported");
    }
    if (slash < 0) {
      throw new IllegalArgumentException(shown + " has no prefix length: write it in CIDR notation such as "
          + "198.18.71.0/24");
    }
    String host = cidr.substring(0, slash);
    String prefixText = cidr.substring(slash + 1);
    long address = parseAddress(host).orElseThrow(() -> new IllegalArgumentException(shown + " is not IPv4: '"
        + host + "' is not four decimal numbers 0-255 separated by dots"));
    if (!PREFIX.matcher(prefixText).matches() || Integer.parseInt(prefixText) > 32) {
      throw new IllegalArgumentException(shown + " has a bad prefix length '" + prefixText
          + "': it must be a whole number from 0 to 32");
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix > MAX_PREFIX) {
      throw new IllegalArgumentException(shown + " is too small: a /" + prefix + " has no room for a gateway and a "
          + "container; use a prefix length of " + MAX_PREFIX + " or less");
    }
    long base = address & mask(prefix);
    if (base != address) {
      throw new IllegalArgumentException(shown + " has host bits set: did you mean " + format(base) + "/" + prefix
          + "?");
    }
    return new ContainerNetwork(base, prefix);
  }

  /** Dotted-quad IPv4 only (no hex, octal or short forms, never a name lookup). */
  public static java.util.OptionalLong parseAddress(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return java.util.OptionalLong.empty();
    }
    long value = 0;
    for (String part : parts) {
      if (!OCTET.matcher(part).matches() || Integer.parseInt(part) > 255) {
        return java.util.OptionalLong.empty();
      }
      value = (value << 8) | Integer.parseInt(part);
    }
    return java.util.OptionalLong.of(value);
  }

  public static String format(long address) {
    return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
        + (address & 0xFF);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
  }

  public String cidr() {
    return format(base) + "/" + prefixLength;
  }

  /** Every address in the network, network and broadcast included. */
  public long size() {
    return 1L << (32 - prefixLength);
  }

  /** How many containers fit: all addresses but network, gateway and broadcast. */
  public long capacity() {
    return size() - 3;
  }

  public String gateway() {
    return format(base + 1);
  }

  public boolean contains(String address) {
    var parsed = parseAddress(address);
    return parsed.isPresent() && (parsed.getAsLong() & mask(prefixLength)) == base;
  }

  /** Container addresses in ascending order, lazily (a /8 has 16 million). */
  public Stream<String> hosts() {
    return LongStream.range(base + 2, base + size() - 1).mapToObj(ContainerNetwork::format);
  }

  /**
   * The dotted text every address in this network starts with (whole octets fixed by the prefix),
   * so a store keyed by address can range over this network alone.
   */
  public String fixedOctetsPrefix() {
    String[] octets = format(base).split("\\.");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < prefixLength / 8; i++) {
      b.append(octets[i]).append('.');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return cidr();
  }
}
