package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void acceptsOperatorShorthandAndIso() {
    assertThat(converter.convert("300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(converter.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(converter.convert("PT5S")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void rejectsAnythingElseNamingTheValue() {
    for (String bad : new String[] {"", "10", "soon", "5x", "-3s", "PT-5S", "ms"}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("'" + bad + "' is not a duration");
    }
  }
}
