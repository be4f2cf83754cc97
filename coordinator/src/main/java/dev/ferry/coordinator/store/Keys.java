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
}
