package dev.ferry.agent.capability;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Trials that passed on this machine since it booted, with this CRIU. Several agents on one kernel
 * (the e2e harness, the stock-kernel lane under emulation, where one trial takes a minute) or a
 * restarted agent reuse them instead of dumping victims of their own. Only successes are kept: a
 * failure may be the load of the moment and gets a trial of its own. Read and written under the
 * {@link TrialLock}, in a file beside it.
 */
public final class TrialMemo {
  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  private static final TrialMemo MACHINE = new TrialMemo(Path.of(System.getProperty("java.io.tmpdir"), "ferry-criu-trials.memo"));
  private static final TrialMemo NONE = new TrialMemo(null);

  private final Path file;

  private TrialMemo(Path file) {
    this.file = file;
  }

  /** The one memo of this machine. */
  public static TrialMemo machineWide() {
    return MACHINE;
  }

  /** Every trial runs (tests of the trials themselves). */
  public static TrialMemo none() {
    return NONE;
  }

  Feature remember(String trial, String criuVersion, Supplier<Feature> run) {
    if (file == null) {
      return run.get();
    }
    String key = bootId() + "." + criuVersion + "." + trial;
    Properties passed = load();
    String how = passed.getProperty(key);
    if (how != null) {
      return Feature.yes(how + " (this trial passed earlier on this boot, with CRIU " + criuVersion + ")");
    }
    Feature result = run.get();
    if (result.available()) {
      passed.setProperty(key, result.reason());
      store(passed);
    }
    return result;
  }

  private static String bootId() {
    try {
      return Files.readString(BOOT_ID).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Properties load() {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        return new Properties(); // unreadable: trial again, and write a fresh one
      }
    }
    return p;
  }

  private void store(Properties p) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), "ferry-criu-trials", ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp)) {
        p.store(w, "CRIU capability trials that passed, by boot id, CRIU version and trial");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
