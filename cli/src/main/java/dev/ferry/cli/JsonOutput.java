package dev.ferry.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Prints results as the canonical proto3 JSON of the ferry.v1 messages: one document per line, so a
 * single result is a JSON document and a stream (watch) is JSON lines.
 */
final class JsonOutput {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();

  private JsonOutput() {}

  static void print(PrintWriter out, MessageOrBuilder message) {
    try {
      out.println(PRINTER.print(message));
    } catch (InvalidProtocolBufferException e) {
      // Only unknown Any types can fail here; the ferry.v1 messages have none.
      throw new UncheckedIOException(new java.io.IOException("cannot render JSON: " + e.getMessage(), e));
    }
    out.flush();
  }
}
