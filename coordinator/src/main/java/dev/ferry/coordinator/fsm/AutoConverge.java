package dev.ferry.coordinator.fsm;

/**
 * Auto-converge's throttle steps: each time pre-copy stops converging, the container gets half the
 * CPU it had (of its own limit), down to a floor below which it would barely serve at all.
 */
final class AutoConverge {
  static final int FIRST = 50;
  static final int FLOOR = 10;

  private AutoConverge() {}

  /** The next cap in percent, or 0 when {@code current} is already at the floor. */
  static int next(int current) {
    if (current <= 0) {
      return FIRST;
    }
    int half = current / 2;
    return half >= FLOOR ? half : 0;
  }
}
