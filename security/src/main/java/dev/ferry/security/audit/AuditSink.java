package dev.ferry.security.audit;

import java.util.List;

/** Where audit records go; must not block the call being audited for long. */
@FunctionalInterface
public interface AuditSink {
  void record(AuditRecord record);

  /** Every sink gets every record; one failing does not stop the others. */
  static AuditSink all(AuditSink... sinks) {
    List<AuditSink> list = List.of(sinks);
    return r -> {
      for (AuditSink s : list) {
        try {
          s.record(r);
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(AuditSink.class).warn("audit sink {} failed: {}", s, e.toString());
        }
      }
    };
  }
}
