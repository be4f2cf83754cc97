package dev.ferry.observe.grpc;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/** W3C trace context ({@code traceparent}, {@code tracestate}) in gRPC metadata. */
public enum MetadataCarrier implements TextMapSetter<Metadata>, TextMapGetter<Metadata> {
  INSTANCE;

  @Override
  public void set(Metadata carrier, String key, String value) {
    if (carrier != null) {
      carrier.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
    }
  }

  @Override
  public Iterable<String> keys(Metadata carrier) {
    return carrier.keys();
  }

  @Override
  public String get(Metadata carrier, String key) {
    return carrier == null ? null : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
  }
}
