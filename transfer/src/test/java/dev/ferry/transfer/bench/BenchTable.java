package dev.ferry.transfer.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * The printed result: per link and data, every row's MB/s, its ratio to the best baseline of the
 * same link and data, and for TLS rows the ratio to the plaintext row of the same method.
 */
record BenchTable(List<Row> rows) {
  private static final long MIB = 1 << 20;

  void print(PrintStream out) {
    out.println();
    out.printf("%-9s %-8s %-36s %-15s %7s %8s %9s %9s %7s %10s%n", "link", "data", "method", "security", "MB/s",
        "vs best", "vs plain", "wire MB", "CPU s", "peak heap");
    for (Row row : rows) {
      out.printf("%-9s %-8s %-36s %-15s %7.0f %8.2f %9s %9.1f %7.1f %10s%n", row.where(), row.data(), row.method(),
          row.isBaseline() ? "-" : row.security().label(), row.mbPerSecond(), row.mbPerSecond() / bestBaseline(row),
          vsPlain(row), row.wireBytes() / 1e6, row.cpuSeconds(), row.peakHeap() == 0 ? "-" : (row.peakHeap() / MIB) + " MiB");
    }
    out.println();
    rows.stream().filter(r -> !r.note().isEmpty() && r.method().startsWith("ferry auto"))
        .forEach(r -> out.printf("%s %s %s (%s): %s%n", r.where(), r.data(), r.method(), r.security().label(), r.note()));
    out.println("(CPU s is sender + receiver for every method; ferry's peak heap is sender + receiver JVMs, each -Xmx512m;"
        + " vs plain = TLS MB/s / plaintext MB/s of the same method on the same link and data)");
  }

  private double bestBaseline(Row row) {
    return rows.stream().filter(b -> b.isBaseline() && b.data().equals(row.data()) && b.where().equals(row.where()))
        .mapToDouble(Row::mbPerSecond).max().orElse(Double.NaN);
  }

  private String vsPlain(Row row) {
    if (row.isBaseline() || row.security() == Security.PLAIN) {
      return "-";
    }
    String method = methodKey(row);
    return rows.stream().filter(p -> p.security() == Security.PLAIN && p.data().equals(row.data())
            && p.where().equals(row.where()) && methodKey(p).equals(method))
        .findFirst().map(p -> "%.2f".formatted(row.mbPerSecond() / p.mbPerSecond())).orElse("-");
  }

  /** "ferry auto" / "ferry fixed: zstd -1": the requested mode; an auto row's pick may differ between runs. */
  private static String methodKey(Row row) {
    return row.method().startsWith("ferry auto") ? "ferry auto" : row.method();
  }
}
