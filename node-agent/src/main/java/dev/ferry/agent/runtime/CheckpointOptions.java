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
 */
public record CheckpointOptions(
    Path imageDir, Path workDir, Path parentDir, boolean leaveRunning, boolean tcpEstablished, boolean preDump) {

  public CheckpointOptions {
    Objects.requireNonNull(imageDir, "imageDir");
    Objects.requireNonNull(workDir, "workDir");
  }

  public static CheckpointOptions dump(Path imageDir, Path workDir) {
    return new CheckpointOptions(imageDir, workDir, null, false, false, false);
  }

  public CheckpointOptions leavingRunning() {
    return new CheckpointOptions(imageDir, workDir, parentDir, true, tcpEstablished, preDump);
  }

  public CheckpointOptions withTcpEstablished(boolean tcp) {
    return new CheckpointOptions(imageDir, workDir, parentDir, leaveRunning, tcp, preDump);
  }

  public CheckpointOptions withParent(Path parent) {
    return new CheckpointOptions(imageDir, workDir, parent, leaveRunning, tcpEstablished, preDump);
  }

  public CheckpointOptions asPreDump() {
    return new CheckpointOptions(imageDir, workDir, parentDir, true, tcpEstablished, true);
  }
}
