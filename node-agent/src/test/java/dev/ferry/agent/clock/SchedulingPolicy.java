package dev.ferry.agent.clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A thread's or process's scheduling policy (SCHED_OTHER 0, SCHED_FIFO 1) and nice value as the kernel reports them. */
final class SchedulingPolicy {
  static final int SCHED_OTHER = 0;
  static final int SCHED_FIFO = 1;

  private SchedulingPolicy() {}

  static int ofProcess(long pid) {
    return of(Path.of("/proc/" + pid + "/stat"));
  }

  static int ofCurrentThread() {
    return of(Path.of("/proc/thread-self/stat"));
  }

  /** A process's nice value (field 19 of its stat file). */
  static int niceOf(long pid) {
    return field(Path.of("/proc/" + pid + "/stat"), 19);
  }

  private static int of(Path stat) {
    return field(stat, 41);
  }

  /** A numbered field of a stat file, counted after the command name (which may hold spaces). */
  private static int field(Path stat, int number) {
    try {
      String s = Files.readString(stat);
      return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[number - 3]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
