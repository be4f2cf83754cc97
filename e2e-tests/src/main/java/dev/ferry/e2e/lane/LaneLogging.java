package dev.ferry.e2e.lane;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logging of every JVM in the stock-kernel lane's guest (it sets {@value #SWITCH}): the suite's
 * console pattern at INFO, configured in code. Under emulation logback's XML configuration
 * (Joran) took 13 s in the lane and 64 s in an agent before it logged a line; this takes none
 * of that. Anywhere else it steps aside and the XML files apply as usual.
 */
public final class LaneLogging extends ContextAwareBase implements Configurator {
  /** The environment variable that selects this configuration (inherited by the cluster's processes). */
  public static final String SWITCH = "FERRY_LANE_LOGGING";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getenv(SWITCH) == null) {
      return ExecutionStatus.NEUTRAL;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
