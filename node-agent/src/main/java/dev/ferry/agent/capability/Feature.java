package dev.ferry.agent.capability;

/** A capability proven by a trial on this host, or the reason it is missing. */
public record Feature(boolean available, String reason) {
  public static Feature yes(String how) {
    return new Feature(true, how);
  }

  public static Feature no(String why) {
    return new Feature(false, why);
  }
}
