package dev.ferry.process;

import java.time.Duration;
import java.util.List;

/**
 * What an external command did.
 *
 * @param exitCode -1 when it was killed for exceeding its timeout
 * @param stdout   captured standard output (its last {@link SystemProcessRunner#MAX_CAPTURE} bytes)
 * @param stderr   captured standard error (its last bytes, same bound)
 */
public record ProcessResult(
    List<String> argv, int exitCode, String stdout, String stderr, Duration duration, boolean timedOut) {

  public ProcessResult {
    argv = List.copyOf(argv);
  }

  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }

  /** The last {@code lines} lines of stderr, for error messages. */
  public String stderrTail(int lines) {
    return Tails.lastLines(stderr, lines);
  }

  /** Returns this result, or throws {@link CommandFailedException} if the command failed. */
  public ProcessResult orThrow() {
    if (!succeeded()) {
      throw new CommandFailedException(this);
    }
    return this;
  }
}
