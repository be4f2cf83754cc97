package dev.ferry.timesync;

/**
 * One NTP-style exchange between a caller and a responder, all in nanoseconds. The caller
 * stamps t1 (realtime) and reads its monotonic clock at send and at receipt; the responder
 * stamps t2 and t3 (realtime, at receipt and at reply) and its monotonic clock at reply.
 * Offsets are "responder minus caller".
 */
public record ProbeSample(
    long t1, long t2, long t3, long callerSendMonotonic, long responderReplyMonotonic, long callerReceiveMonotonic) {

  public ProbeSample {
    if (callerReceiveMonotonic < callerSendMonotonic) {
      throw new IllegalArgumentException("the reply arrived before the request left: monotonic " + callerSendMonotonic
          + " -> " + callerReceiveMonotonic);
    }
    if (t3 < t2) {
      throw new IllegalArgumentException("the responder replied before it received: t2 " + t2 + ", t3 " + t3);
    }
  }

  /**
   * The caller's realtime at receipt. Derived from its monotonic clock rather than read again,
   * so a realtime step on the caller during the exchange cannot distort the sample.
   */
  public long t4() {
    return t1 + (callerReceiveMonotonic - callerSendMonotonic);
  }

  /** Time on the wire: the exchange as the caller saw it minus the responder's processing. */
  public long roundTripNanos() {
    return Math.max(0, (callerReceiveMonotonic - callerSendMonotonic) - (t3 - t2));
  }

  /** The responder's realtime minus the caller's, assuming symmetric paths; off by at most rtt/2. */
  public long realtimeOffsetNanos() {
    return Math.floorDiv((t2 - t1) + (t3 - t4()), 2);
  }

  /** The responder's monotonic clock minus the caller's, same assumption and bound. */
  public long monotonicOffsetNanos() {
    long responderReceiveMonotonic = responderReplyMonotonic - (t3 - t2);
    return Math.floorDiv((responderReceiveMonotonic - callerSendMonotonic) + (responderReplyMonotonic - callerReceiveMonotonic), 2);
  }
}
