package dev.ferry.agent.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to checkpoint.
 *
 * @param imageDir      where CRIU writes the images
 * @param workDir       where CRIU writes its log (dump.log)
 * @param parentDir     images of the previous pre-dump round, or null
 * @param leaveRunning  keep the container running after the dump (a trial, or a pre-dump)
 * @param preDump       only memory, the container keeps running (needs dirty tracking)
 * @param closeConnections the migration drops open TCP connections: CRIU closes them (tcp-close)
 *                      instead of refusing the dump; the images say so for the restore
 */
public record CheckpointOptions(
    Path imageDir, Path workDir, Path parentDir, boolean leaveRunning, boolean tcpEstablished, boolean preDump,
    boolean closeConnections) {

  /** In an image directory whose dump closed the connections: its restore must say tcp-close too. */
  public static final String CONNECTIONS_CLOSED = "ferry-tcp-closed";

  public CheckpointOptions {
    Objects.requireNonNull(imageDir, "imageDir");
    Objects.requireNonNull(workDir, "workDir");
  }

  public static CheckpointOptions dump(Path imageDir, Path workDir) {
    return new CheckpointOptions(imageDir, workDir, null, false, false, false, false);
  }

  public CheckpointOptions leavingRunning() {
    return new CheckpointOptions(imageDir, workDir, parentDir, true, tcpEstablished, preDump, closeConnections);
  }

  public CheckpointOptions withTcpEstablished(boolean tcp) {
    return new CheckpointOptions(imageDir, workDir, parentDir, leaveRunning, tcp, preDump, closeConnections);
  }

  public CheckpointOptions withParent(Path parent) {
    return new CheckpointOptions(imageDir, workDir, parent, leaveRunning, tcpEstablished, preDump, closeConnections);
  }

  public CheckpointOptions asPreDump() {
    return new CheckpointOptions(imageDir, workDir, parentDir, true, tcpEstablished, true, closeConnections);
  }

  public CheckpointOptions closingConnections(boolean close) {
    return new CheckpointOptions(imageDir, workDir, parentDir, leaveRunning, tcpEstablished, preDump, close);
  }
}
