package dev.ferry.coordinator.store;

/** A fenced write failed because the writer no longer holds leadership in etcd. */
public final class FenceLostException extends RuntimeException {
  public FenceLostException(Fence fence) {
    super("leadership lost: election key " + fence.key() + " (epoch " + fence.revision()
        + ") is gone; the write was refused");
  }
}
