package dev.ferry.coordinator.observe;

import dev.ferry.coordinator.fsm.Migration;
import java.util.List;

/**
 * What a migration driver tells the outside world: every version it persisted, when it stops
 * driving one without an end (leadership lost, another coordinator took over), and the context
 * its agent calls run in. Metrics and traces are observers; the FSM knows none of them.
 */
public interface MigrationObserver {
  MigrationObserver NONE = new MigrationObserver() {
    @Override
    public void changed(Migration before, Migration after) {}
  };

  /** {@code after} was just written over {@code before}. */
  void changed(Migration before, Migration after);

  /** This coordinator stopped driving the migration before it ended; someone else recovers it. */
  default void abandoned(Migration last) {}

  /** Opened around the agent calls of {@code current}'s phase, on the driver's thread. */
  default StepScope step(Migration current) {
    return StepScope.NONE;
  }

  /** Notifies every observer in order; one that throws is logged and never stops the driver. */
  static MigrationObserver all(List<MigrationObserver> observers) {
    List<MigrationObserver> list = List.copyOf(observers);
    return new MigrationObserver() {
      @Override
      public void changed(Migration before, Migration after) {
        list.forEach(o -> safely(o, () -> o.changed(before, after)));
      }

      @Override
      public void abandoned(Migration last) {
        list.forEach(o -> safely(o, () -> o.abandoned(last)));
      }

      @Override
      public StepScope step(Migration current) {
        List<StepScope> scopes = list.stream().map(o -> o.step(current)).toList();
        return () -> scopes.reversed().forEach(StepScope::close);
      }
    };
  }

  private static void safely(MigrationObserver o, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(MigrationObserver.class).warn("observer {} failed: {}",
          o.getClass().getSimpleName(), e.toString());
    }
  }

  /** A scope that cannot fail to close. */
  @FunctionalInterface
  interface StepScope extends AutoCloseable {
    StepScope NONE = () -> {};

    @Override
    void close();
  }
}
