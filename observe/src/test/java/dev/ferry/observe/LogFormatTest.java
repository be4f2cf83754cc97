package dev.ferry.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The log format flag swaps the encoders of the real Logback configuration; JSON lines carry the MDC. */
class LogFormatTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender;

  @BeforeEach
  void attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    appender = new OutputStreamAppender<>();
    appender.setName("captured");
    appender.setContext(context);
    appender.setOutputStream(captured);
    var encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    appender.setEncoder(encoder);
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  @AfterEach
  void detach() {
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    LogFormat.HUMAN.apply();
    MDC.clear();
  }

  @Test
  void jsonLinesCarryTheMigrationContainerAndNode() throws Exception {
    LogFormat.JSON.apply();
    MDC.put("migration", "m-0a1b2c");
    MDC.put("container", "ct42");
    MDC.put("node", "nodeA");
    LoggerFactory.getLogger("dev.ferry.test").info("dumped {} pages", 512);

    String line = captured.toString(StandardCharsets.UTF_8).strip();
    assertThat(line.lines()).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("loggerName").asText()).isEqualTo("dev.ferry.test");
    assertThat(json.get("formattedMessage").asText()).isEqualTo("dumped 512 pages");
    assertThat(json.get("mdc").get("migration").asText()).isEqualTo("m-0a1b2c");
    assertThat(json.get("mdc").get("container").asText()).isEqualTo("ct42");
    assertThat(json.get("mdc").get("node").asText()).isEqualTo("nodeA");
  }

  @Test
  void humanLinesShowTheMdcOnlyWhenThereIsOne() {
    LogFormat.HUMAN.apply();
    LoggerFactory.getLogger("dev.ferry.test").info("no context");
    MDC.put("migration", "m-0a1b2c");
    LoggerFactory.getLogger("dev.ferry.test").info("with context");

    var lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).endsWith("INFO  dev.ferry.test - no context");
    assertThat(lines.get(1)).endsWith("INFO  dev.ferry.test [migration=m-0a1b2c] - with context");
  }

  @Test
  void anUnknownFormatNamesTheFlag() {
    assertThatThrownBy(() -> LogFormat.parse("xml")).hasMessage("--log-format must be human or json, was 'xml'");
  }
}
