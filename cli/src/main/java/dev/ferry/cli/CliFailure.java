package dev.ferry.cli;

/** A failure already phrased for the operator: the text to print and the exit code to return. */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  CliFailure(int exitCode, String message, Throwable cause) {
    super(message, cause, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
