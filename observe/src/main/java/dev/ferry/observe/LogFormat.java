package dev.ferry.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * How a Ferry process writes its log lines: {@code human} (one readable line, with the MDC:
 * migration, container, node) or {@code json} (one JSON object per line, MDC included, for log
 * shippers). Only the encoders of the root logger's appenders change: where the lines go and at
 * which level stay as the Logback configuration on the classpath says.
 */
public enum LogFormat {
  HUMAN, JSON;

  static final String HUMAN_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20}%replace( [%mdc]){' \\[\\]', ''} - %msg%n";

  /** {@code human} or {@code json}, case-insensitive, with a message that lists both. */
  public static LogFormat parse(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "human" -> HUMAN;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("--log-format must be human or json, was '" + value + "'");
    };
  }

  /** Re-encodes every output appender of the root logger in this format. */
  public void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J backend (tests of other modules): nothing to reconfigure
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
        Encoder<ILoggingEvent> encoder = encoder(context);
        encoder.start();
        out.setEncoder(encoder);
      }
    }
  }

  private Encoder<ILoggingEvent> encoder(LoggerContext context) {
    return switch (this) {
      case HUMAN -> {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern(HUMAN_PATTERN);
        yield e;
      }
      case JSON -> {
        JsonEncoder e = new JsonEncoder();
        e.setContext(context);
        // Lean lines: no per-line logger-context block, no sequence numbers.
        e.setWithContext(false);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithFormattedMessage(true);
        e.setWithArguments(false);
        yield e;
      }
    };
  }
}
