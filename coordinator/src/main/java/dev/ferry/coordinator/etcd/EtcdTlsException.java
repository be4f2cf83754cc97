package dev.ferry.coordinator.etcd;

/** An etcd endpoint that cannot work with the configured TLS: stops the coordinator's start, naming both. */
public final class EtcdTlsException extends IllegalStateException {
  private final String endpoint;

  public EtcdTlsException(String endpoint, String reason) {
    super("etcd at " + endpoint + ": " + reason);
    this.endpoint = endpoint;
  }

  public String endpoint() {
    return endpoint;
  }
}
