package dev.ferry.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations the way operators type them: {@code 300ms}, {@code 10s}, {@code 1m30s}, {@code 2h}, or ISO-8601. */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h))+");

  @Override
  public Duration convert(String value) {
    String text = value.strip().toLowerCase(java.util.Locale.ROOT);
    if (text.startsWith("pt")) {
      try {
        return nonNegative(Duration.parse(text), value);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    if (!WHOLE.matcher(text).matches()) {
      throw invalid(value);
    }
    Duration total = Duration.ZERO;
    var parts = PART.matcher(text);
    while (parts.find()) {
      long amount = Long.parseLong(parts.group(1));
      total = total.plus(switch (parts.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> throw invalid(value);
      });
    }
    return total;
  }

  private static Duration nonNegative(Duration d, String value) {
    if (d.isNegative()) {
      throw invalid(value);
    }
    return d;
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a duration (examples: 300ms, 10s, 1m30s, 2h)");
  }
}
