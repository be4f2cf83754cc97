package dev.ferry.e2e.observe;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders one trace as an indented tree: name, service, duration; children in start order. */
public final class SpanTree {
  private SpanTree() {}

  public static String render(List<ReceivedSpan> trace) {
    Map<String, List<ReceivedSpan>> children = trace.stream().filter(s -> !s.isRoot())
        .collect(Collectors.groupingBy(ReceivedSpan::parentSpanId));
    StringBuilder out = new StringBuilder();
    trace.stream().filter(ReceivedSpan::isRoot).sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
        .forEach(root -> render(root, children, 0, out));
    return out.toString();
  }

  private static void render(ReceivedSpan s, Map<String, List<ReceivedSpan>> children, int depth, StringBuilder out) {
    out.append("  ".repeat(depth)).append(s.name()).append("  [").append(s.service()).append("] ")
        .append(String.format("%.1f ms", s.duration().toNanos() / 1e6)).append('\n');
    children.getOrDefault(s.spanId(), List.of()).stream().sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
        .forEach(c -> render(c, children, depth + 1, out));
  }
}
