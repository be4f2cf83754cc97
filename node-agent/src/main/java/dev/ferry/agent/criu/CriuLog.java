package dev.ferry.agent.criu;

import dev.ferry.process.Tails;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what a CRIU log says about a failure. */
public final class CriuLog {
  public static final int TAIL_LINES = 40;
  /** One line: timestamp, "Error (where):", message; nothing may match across lines (a log holds container-chosen text). */
  private static final Pattern ERROR = Pattern.compile("^\\([ \\t]*[\\d.]+\\)[ \\t]+Error \\(([^)\\n]*)\\):[ \\t]*(.*)$", Pattern.MULTILINE);
  private static final long MAX_READ = 4 << 20;
  private static final java.util.List<String> BENIGN = java.util.List.of("Can't setup RLIMIT_NOFILE for self");

  private final String text;

  private CriuLog(String text) {
    this.text = text;
  }

  public static CriuLog of(String text) {
    return new CriuLog(text == null ? "" : text);
  }

  /** Reads the log, or an empty one if CRIU never wrote it; only the last MiBs of a huge log. */
  public static CriuLog read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return of("");
      }
      long size = Files.size(file);
      byte[] bytes;
      try (var ch = Files.newByteChannel(file)) {
        ch.position(Math.max(0, size - MAX_READ));
        bytes = new byte[(int) Math.min(size, MAX_READ)];
        var buf = java.nio.ByteBuffer.wrap(bytes);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // keep reading
        }
      }
      return of(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return of("");
    }
  }

  public String tail() {
    return Tails.lastLines(text, TAIL_LINES);
  }

  /**
   * The first "Error (file:line): message" line: usually the cause, later ones its fallout.
   * Errors CRIU logs and then carries on from (raising RLIMIT_NOFILE without CAP_SYS_RESOURCE) are skipped.
   */
  public Optional<String> firstError() {
    Matcher m = ERROR.matcher(text);
    while (m.find()) {
      String message = m.group(2).strip();
      if (BENIGN.stream().noneMatch(message::contains)) {
        return Optional.of(message + " [" + m.group(1) + "]");
      }
    }
    return Optional.empty();
  }

  public boolean isEmpty() {
    return text.isBlank();
  }
}
