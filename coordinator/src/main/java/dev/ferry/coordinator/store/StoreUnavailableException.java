package dev.ferry.coordinator.store;

/** etcd did not answer in time or refused the connection: retryable. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
