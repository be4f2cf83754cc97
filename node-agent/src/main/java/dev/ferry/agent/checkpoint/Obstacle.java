package dev.ferry.agent.checkpoint;

/** Something CRIU would refuse to checkpoint, found before anything is frozen. */
public record Obstacle(Kind kind, String item, int pid, String detail) {
  public enum Kind { EXTERNAL_UNIX_SOCKET, HOST_FILE_DESCRIPTOR, DEVICE, UNSUPPORTED_MOUNT }

  @Override
  public String toString() {
    return kind + " " + item + " (pid " + pid + "): " + detail;
  }
}
