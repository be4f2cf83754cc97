package dev.ferry.coordinator.store;

/** Every etcd key Ferry's coordinator uses, in one place (DESIGN.md "State in etcd"). */
public final class Keys {
  private Keys() {}

  public static final String ROOT = "/ferry/v1/";
  public static final String MIGRATIONS = ROOT + "migrations/";
  public static final String CONTAINER_LOCKS = ROOT + "locks/containers/";
  public static final String NODES = ROOT + "nodes/";
  public static final String CORDONS = ROOT + "cordons/";
  public static final String CONTAINERS = ROOT + "containers/";
  public static final String ELECTION = ROOT + "leader";
  public static final String ADDRESSES = ROOT + "addresses/";
  public static final String ADDRESS_OF = ROOT + "address-of/";

  public static String migration(String id) {
    return MIGRATIONS + id;
  }

  public static String containerLock(String containerId) {
    return CONTAINER_LOCKS + containerId;
  }

  public static String node(String name) {
    return NODES + name;
  }

  public static String cordon(String node) {
    return CORDONS + node;
  }

  public static String container(String id) {
    return CONTAINERS + id;
  }

  /** Who holds an IPv4 address (JSON); the key that makes an address unique. */
  public static String address(String ip) {
    return ADDRESSES + ip;
  }

  /** The address a container holds (plain text), so lookups by container are one read. */
  public static String addressOf(String containerId) {
    return ADDRESS_OF + containerId;
  }
}
