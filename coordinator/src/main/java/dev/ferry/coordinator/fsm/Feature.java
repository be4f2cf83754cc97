package dev.ferry.coordinator.fsm;

/** A capability an agent proved by trial, or the reason it is missing. */
public record Feature(boolean available, String reason) {
  public Feature {
    reason = reason == null ? "" : reason;
  }

  public static Feature yes() {
    return new Feature(true, "");
  }

  public static Feature no(String reason) {
    return new Feature(false, reason);
  }
}
