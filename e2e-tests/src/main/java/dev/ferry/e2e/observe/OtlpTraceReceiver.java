package dev.ferry.e2e.observe;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A minimal OTLP/HTTP trace collector for tests: accepts {@code POST /v1/traces} with an
 * ExportTraceServiceRequest in protobuf and keeps the spans. Decoded by field number from the
 * OTLP schema (opentelemetry-proto trace/v1), so no generated OTLP classes are needed.
 */
public final class OtlpTraceReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

  private OtlpTraceReceiver(HttpServer server) {
    this.server = server;
  }

  public static OtlpTraceReceiver start(String host) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, 0), 0);
      OtlpTraceReceiver r = new OtlpTraceReceiver(server);
      server.createContext("/v1/traces", exchange -> {
        try (exchange) {
          byte[] body = exchange.getRequestBody().readAllBytes();
          r.spans.addAll(decode(body));
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: all accepted
        } catch (InvalidProtocolBufferException e) {
          exchange.sendResponseHeaders(400, -1);
        }
      });
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://host:port}: what {@code --otlp-endpoint} takes. */
  public String endpoint() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  static List<ReceivedSpan> decode(byte[] body) throws InvalidProtocolBufferException {
    List<ReceivedSpan> out = new java.util.ArrayList<>();
    UnknownFieldSet request = UnknownFieldSet.parseFrom(body);
    for (ByteString resourceSpans : messages(request, 1)) {
      UnknownFieldSet rs = UnknownFieldSet.parseFrom(resourceSpans);
      String service = "";
      for (ByteString resource : messages(rs, 1)) {
        service = attributes(UnknownFieldSet.parseFrom(resource), 1).getOrDefault("service.name", "");
      }
      for (ByteString scopeSpans : messages(rs, 2)) {
        for (ByteString spanBytes : messages(UnknownFieldSet.parseFrom(scopeSpans), 2)) {
          UnknownFieldSet span = UnknownFieldSet.parseFrom(spanBytes);
          out.add(new ReceivedSpan(service, hex(span, 1), hex(span, 2), hex(span, 4), text(span, 5),
              fixed64(span, 7), fixed64(span, 8), attributes(span, 9)));
        }
      }
    }
    return out;
  }

  private static List<ByteString> messages(UnknownFieldSet set, int field) {
    return set.hasField(field) ? set.getField(field).getLengthDelimitedList() : List.of();
  }

  private static String hex(UnknownFieldSet set, int field) {
    List<ByteString> v = messages(set, field);
    return v.isEmpty() ? "" : HexFormat.of().formatHex(v.getFirst().toByteArray());
  }

  private static String text(UnknownFieldSet set, int field) {
    List<ByteString> v = messages(set, field);
    return v.isEmpty() ? "" : v.getFirst().toStringUtf8();
  }

  private static long fixed64(UnknownFieldSet set, int field) {
    return set.hasField(field) && !set.getField(field).getFixed64List().isEmpty()
        ? set.getField(field).getFixed64List().getFirst() : 0;
  }

  /** KeyValue{key=1, value=AnyValue{string_value=1, bool_value=2, int_value=3, double_value=4}}. */
  private static Map<String, String> attributes(UnknownFieldSet set, int field) throws InvalidProtocolBufferException {
    Map<String, String> out = new LinkedHashMap<>();
    for (ByteString kv : messages(set, field)) {
      UnknownFieldSet pair = UnknownFieldSet.parseFrom(kv);
      List<ByteString> value = messages(pair, 2);
      if (value.isEmpty()) {
        continue;
      }
      UnknownFieldSet any = UnknownFieldSet.parseFrom(value.getFirst());
      String v = any.hasField(1) ? text(any, 1)
          : any.hasField(3) && !any.getField(3).getVarintList().isEmpty() ? String.valueOf(any.getField(3).getVarintList().getFirst())
          : any.hasField(2) ? String.valueOf(any.getField(2).getVarintList().getFirst() != 0) : "";
      out.put(text(pair, 1), v);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
