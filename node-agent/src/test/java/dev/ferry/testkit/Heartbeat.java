package dev.ferry.testkit;

/** One heartbeat line of ferry-workload: its clocks in nanoseconds and its memory verdict. */
public record Heartbeat(
    long seq, int pid, long monotonicNanos, long boottimeNanos, long realtimeNanos,
    String checksum, long errors, long verifiedPasses) {

  static Heartbeat parse(String line) {
    String[] f = line.trim().split(" ");
    if (f.length != 9 || !f[0].equals("hb")) {
      throw new IllegalArgumentException("not a heartbeat line: " + line);
    }
    return new Heartbeat(Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
        Long.parseLong(f[4]), Long.parseLong(f[5]), f[6], Long.parseLong(f[7]), Long.parseLong(f[8]));
  }
}
