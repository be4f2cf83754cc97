package dev.ferry.agent.clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A thread's or process's scheduling policy as the kernel reports it (SCHED_OTHER 0, SCHED_FIFO 1). */
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

  /** Field 41 of a stat file, counted after the command name (which may hold spaces). */
  private static int of(Path stat) {
    try {
      String s = Files.readString(stat);
      return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[41 - 3]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
