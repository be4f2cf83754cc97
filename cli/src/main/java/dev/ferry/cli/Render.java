package dev.ferry.cli;

import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.Phase;
import dev.ferry.proto.v1.Strategy;
import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text formatting shared by every command: sizes, rates, durations, enum names and tables. */
final class Render {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Render() {}

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 1.2 GiB}: binary units, one decimal above bytes. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int unit = 0;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
  }

  static String rate(double bytesPerSecond) {
    return bytes(Math.round(Math.max(0, bytesPerSecond))) + "/s";
  }

  /** {@code 412 ms}, {@code 4.8 s}, {@code 2m03s}, {@code 1h02m}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = d.toSeconds();
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  static String duration(com.google.protobuf.Duration d) {
    return duration(toJava(d));
  }

  /** A clock jump with its sign: {@code +212 ms}, {@code +0.4 ms}, {@code -3 ms}. */
  static String signedMillis(com.google.protobuf.Duration d) {
    double ms = toJava(d).toNanos() / 1e6;
    String sign = ms < 0 ? "-" : "+";
    double abs = Math.abs(ms);
    return abs >= 10 || abs == Math.rint(abs)
        ? String.format(Locale.ROOT, "%s%d ms", sign, Math.round(abs))
        : String.format(Locale.ROOT, "%s%.1f ms", sign, abs);
  }

  static Duration toJava(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  static com.google.protobuf.Duration toProto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  /** UTC, to the second: the same on every operator's machine. */
  static String timestamp(Timestamp t) {
    if (t.getSeconds() == 0 && t.getNanos() == 0) {
      return "-";
    }
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String phase(Phase p) {
    return enumName(p.name(), "PHASE_");
  }

  static String strategy(Strategy s) {
    return enumName(s.name(), "STRATEGY_");
  }

  static String clockPolicy(ClockPolicy p) {
    return enumName(p.name(), "CLOCK_POLICY_");
  }

  /** {@code PHASE_FREEZE_AND_DUMP} becomes {@code freeze-and-dump}; unset values become {@code -}. */
  static String enumName(String name, String prefix) {
    String bare = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    if (bare.equals("UNSPECIFIED") || bare.equals("UNRECOGNIZED")) {
      return "-";
    }
    return bare.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String orDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  /** Left-aligned columns separated by two spaces; the header row is upper case. */
  static String table(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers.stream().map(h -> h.toUpperCase(Locale.ROOT)).toList());
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    var text = new StringBuilder();
    for (List<String> row : all) {
      var line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(i == widths.length - 1 ? row.get(i) : pad(row.get(i), widths[i] + 2));
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
