package dev.ferry.security.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Audit records in the structured log (logger "ferry.audit", one event with key-value pairs per record). */
public final class LogAuditSink implements AuditSink {
  private static final Logger log = LoggerFactory.getLogger("ferry.audit");

  @Override
  public void record(AuditRecord r) {
    log.atInfo()
        .addKeyValue("identity", r.identity())
        .addKeyValue("rpc", r.rpc())
        .addKeyValue("container", r.containerId())
        .addKeyValue("nodes", String.join(",", r.nodes()))
        .addKeyValue("migration", r.migrationId())
        .addKeyValue("outcome", r.outcome())
        .addKeyValue("time", r.time())
        // The key-values are for structured encoders; the message carries the same for plain ones.
        .log("audit identity={} rpc={} container={} nodes={} migration={} outcome={}{}", r.identity(), r.rpc(), r.containerId(),
            String.join(",", r.nodes()), r.migrationId(), r.outcome(), r.detail().isEmpty() ? "" : " detail=\"" + r.detail() + "\"");
  }

  @Override
  public String toString() {
    return "log";
  }
}
