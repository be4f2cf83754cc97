package dev.ferry.cli;

import java.time.Duration;

/** Waits between polls and reconnects; injected so tests never sleep. */
@FunctionalInterface
interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  static Sleeper system() {
    return Thread::sleep;
  }
}
