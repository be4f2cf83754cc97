package dev.ferry.process;

/** Cuts long text down to its last lines, the part that explains a failure. */
public final class Tails {
  private Tails() {}

  public static String lastLines(String text, int lines) {
    if (text == null || text.isEmpty() || lines <= 0) {
      return "";
    }
    int end = text.endsWith("\n") ? text.length() - 1 : text.length();
    if (end == 0) {
      return ""; // a lone newline: one empty line
    }
    int pos = end;
    for (int seen = 0; seen < lines && pos > 0; seen++) {
      pos = text.lastIndexOf('\n', pos - 1);
      if (pos < 0) {
        return text.substring(0, end);
      }
    }
    return text.substring(pos == 0 && text.charAt(0) != '\n' ? 0 : pos + 1, end);
  }
}
