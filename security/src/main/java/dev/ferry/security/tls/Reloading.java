package dev.ferry.security.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read from files and read again when they change, looked at no more than once a
 * second. A change that does not parse (half-rotated) keeps the previous value and is logged.
 */
final class Reloading<T> {
  private static final Logger log = LoggerFactory.getLogger(Reloading.class);
  private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

  private final String what;
  private final FileWatch watch;
  private final Supplier<T> reader;
  private volatile T value;
  private volatile long checkedAt;

  Reloading(String what, List<Path> files, Supplier<T> reader) {
    this.what = what;
    this.watch = new FileWatch(files);
    this.reader = reader;
    this.value = reader.get();
    this.checkedAt = System.nanoTime();
  }

  T get() {
    long now = System.nanoTime();
    if (now - checkedAt >= CHECK_EVERY_NANOS) {
      checkedAt = now;
      if (watch.changed()) {
        try {
          value = reader.get();
          log.info("reloaded {} from disk", what);
        } catch (RuntimeException e) {
          log.warn("{} changed on disk but cannot be read ({}); keeping the previous one", what, e.getMessage());
        }
      }
    }
    return value;
  }
}
