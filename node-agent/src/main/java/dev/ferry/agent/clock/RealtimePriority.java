package dev.ferry.agent.clock;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the calling platform thread under SCHED_FIFO for a moment that must not wait for a CPU: the
 * timens hand-over and the resume gate's release, where every microsecond of delay moves a container
 * clock. With both cores of a node busy, a normal thread released the gate up to 3 ms late and the
 * paused clock jumped by that much.
 * sched_setscheduler(2) with pid 0 changes only the calling thread; {@link #close} puts it back.
 */
final class RealtimePriority implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RealtimePriority.class);
  private static final int SCHED_OTHER = 0;
  private static final int SCHED_FIFO = 1;
  /** The lowest real-time priority: above every normal thread, below the kernel's own real-time work. */
  private static final int PRIORITY = 1;
  private static final MethodHandle SCHED_SETSCHEDULER = schedSetscheduler();

  private final boolean raised;

  private RealtimePriority(boolean raised) {
    this.raised = raised;
  }

  /** Raises the calling thread; without the privilege (CAP_SYS_NICE) it stays as it is, which only costs precision. */
  static RealtimePriority raise() {
    boolean raised = set(SCHED_FIFO, PRIORITY);
    if (!raised) {
      log.debug("could not raise {} to SCHED_FIFO: under load its clock work may be late", Thread.currentThread().getName());
    }
    return new RealtimePriority(raised);
  }

  boolean raised() {
    return raised;
  }

  @Override
  public void close() {
    if (raised && !set(SCHED_OTHER, 0)) {
      log.warn("could not put {} back to SCHED_OTHER", Thread.currentThread().getName());
    }
  }

  private static boolean set(int policy, int priority) {
    if (SCHED_SETSCHEDULER == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment param = arena.allocate(ValueLayout.JAVA_INT);
      param.set(ValueLayout.JAVA_INT, 0, priority);
      return (int) SCHED_SETSCHEDULER.invokeExact(0, policy, param) == 0;
    } catch (Throwable t) {
      return false;
    }
  }

  private static MethodHandle schedSetscheduler() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker.defaultLookup().find("sched_setscheduler")
          .map(symbol -> linker.downcallHandle(symbol,
              FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
          .orElse(null);
    } catch (RuntimeException e) {
      return null; // native access refused: the gate works, only less precisely
    }
  }
}
