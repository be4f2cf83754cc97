package dev.ferry.timesync;

import java.nio.file.Path;

/** A CRIU image file that Ferry cannot read or rewrite: the message names the file and what is wrong with it. */
public final class CriuImageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public CriuImageException(Path file, String problem) {
    this(file, problem, null);
  }

  public CriuImageException(Path file, String problem, Throwable cause) {
    super("CRIU image " + file + ": " + problem, cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
