package dev.ferry.agent.capability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One capability trial at a time on this machine. Trial processes live in the host's mount
 * namespace (a container has its own), and two CRIU dumps of such processes at once fail in
 * the parasite ("Can't retrieve FD from socket", "Command 76 for daemon failed"): measured
 * with three agents probing together. A file lock orders agents in other processes; the
 * in-process lock orders threads here, which a file lock alone cannot.
 */
final class TrialLock {
  private static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "ferry-criu-trials.lock");
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private TrialLock() {}

  static <T> T around(java.util.function.Supplier<T> trial) {
    IN_PROCESS.lock();
    try (FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock ignored = channel.lock()) {
      return trial.get();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + FILE, e);
    } finally {
      IN_PROCESS.unlock();
    }
  }
}
