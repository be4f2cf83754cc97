package dev.ferry.process;

/** An external command exited non-zero, timed out, or could not start. */
public class CommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ProcessResult result;

  public CommandFailedException(ProcessResult result) {
    super(describe(result));
    this.result = result;
  }

  public ProcessResult result() {
    return result;
  }

  /** Long command lines (a Java classpath) are cut in the middle: program and arguments stay readable. */
  static String shown(String commandLine) {
    int max = 400;
    return commandLine.length() <= max ? commandLine
        : commandLine.substring(0, max / 2) + " [...] " + commandLine.substring(commandLine.length() - max / 2);
  }

  private static String describe(ProcessResult r) {
    String how = r.timedOut()
        ? "timed out after " + r.duration().toMillis() + " ms"
        : "exited with code " + r.exitCode();
    String tail = r.stderrTail(5);
    return "`" + shown(String.join(" ", r.argv())) + "` " + how + (tail.isBlank() ? "" : ": " + tail.strip());
  }
}
