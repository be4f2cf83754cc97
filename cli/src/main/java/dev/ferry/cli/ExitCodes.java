package dev.ferry.cli;

/** The exit codes every {@code migrate} command returns; scripts switch on them. */
final class ExitCodes {
  /** The command did what was asked (a migration reached DONE, a drain completed...). */
  static final int OK = 0;
  /** The coordinator answered with an error, or a migration ended ROLLED_BACK or FAILED. */
  static final int FAILED = 1;
  /** Bad command line, rejected before any call (picocli's usage exit code). */
  static final int USAGE = 2;
  /** The coordinator could not be reached at all. */
  static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
