package dev.ferry.coordinator.store;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Migration;
import dev.ferry.coordinator.fsm.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Migration records as JSON in etcd: readable with {@code etcdctl get}, and free to carry what
 * the public proto does not (image handles, transfer token, attempt counters). Sealed types are
 * tagged with their record's simple name through mix-ins, so the FSM stays free of Jackson.
 */
public final class MigrationCodec {
  private static final ObjectMapper JSON = mapper();

  private MigrationCodec() {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  private interface Tagged {}

  private static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        // A newer coordinator may add fields; an older one reading them must not choke.
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    for (Class<?> sealed : new Class<?>[] {Phase.class, Failure.class}) {
      m.addMixIn(sealed, Tagged.class);
      for (Class<?> variant : sealed.getPermittedSubclasses()) {
        m.registerSubtypes(new NamedType(variant, variant.getSimpleName()));
      }
    }
    return m;
  }

  public static byte[] encode(Migration m) {
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode migration " + m.id(), e);
    }
  }

  public static Migration decode(byte[] json) {
    try {
      return JSON.readValue(json, Migration.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a migration record: " + e.getMessage(), e);
    }
  }
}
