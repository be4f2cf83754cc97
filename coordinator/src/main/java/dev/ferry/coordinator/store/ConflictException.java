package dev.ferry.coordinator.store;

/** A compare-and-put lost: someone wrote the key since it was read. Re-read and decide again. */
public final class ConflictException extends RuntimeException {
  private final String key;
  private final long expectedRevision;

  public ConflictException(String key, long expectedRevision) {
    super(key + " changed since revision " + expectedRevision + "; re-read it and try again");
    this.key = key;
    this.expectedRevision = expectedRevision;
  }

  public String key() {
    return key;
  }

  public long expectedRevision() {
    return expectedRevision;
  }
}
