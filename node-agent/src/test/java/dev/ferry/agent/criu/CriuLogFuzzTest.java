package dev.ferry.agent.criu;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Fuzzes what the agent reads out of a failed CRIU run's log (CRIU writes it, partly with what
 * the container shows it: task names, paths, socket names) to build the failure a user sees.
 * Properties: reading never throws; the tail is the end of the log and at most
 * {@link CriuLog#TAIL_LINES} lines; the first error is one line that the log really holds, in
 * CRIU's "Error (file:line): message" form; reading the log from a file gives what reading
 * the text gives. Seeds (CriuLogFuzzTestInputs/): real CRIU 4.2 failure lines, the benign
 * RLIMIT error, CRLF, a log of only newlines, no trailing newline, non-UTF-8 bytes.
 */
class CriuLogFuzzTest {
  private static final Path FILE = createFile();

  @FuzzTest(maxDuration = "45s")
  void aLogGivesItsTailAndFirstErrorWithoutThrowing(byte[] input) throws IOException {
    String text = new String(input, StandardCharsets.UTF_8);
    CriuLog log = CriuLog.of(text);
    String tail = log.tail();
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (!body.endsWith(tail)) {
      throw new AssertionError("the tail is not the end of the log: " + tail);
    }
    if (tail.chars().filter(c -> c == '\n').count() >= CriuLog.TAIL_LINES) {
      throw new AssertionError("the tail has more than " + CriuLog.TAIL_LINES + " lines");
    }
    Optional<String> error = log.firstError();
    if (error.isPresent()) {
      String message = error.get();
      if (message.contains("\n") || !text.contains("Error (") || !message.endsWith("]")) {
        throw new AssertionError("first error '" + message + "' is not one 'Error (where): message' line of the log");
      }
    }
    Files.write(FILE, input);
    CriuLog fromFile = CriuLog.read(FILE);
    if (!fromFile.tail().equals(tail) || !fromFile.firstError().equals(error)) {
      throw new AssertionError("reading the log from a file gave another tail or error than reading its text");
    }
  }

  private static Path createFile() {
    try {
      Path f = Files.createTempFile("ferry-fuzz-criu-", ".log");
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
