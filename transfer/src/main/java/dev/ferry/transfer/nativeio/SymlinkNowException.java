package dev.ferry.transfer.nativeio;

import java.nio.file.FileSystemException;

/** An open without following links found a symbolic link where a file was (ELOOP under O_NOFOLLOW). */
public final class SymlinkNowException extends FileSystemException {
  public SymlinkNowException(String path, String reason) {
    super(path, null, reason);
  }

  /** As the other failed opens read: "open PATH: strerror (errno N)". */
  @Override
  public String getMessage() {
    return "open " + super.getMessage();
  }
}
