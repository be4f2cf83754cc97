package dev.ferry.timesync.grpc;

import dev.ferry.proto.v1.ProbeRequest;
import dev.ferry.proto.v1.ProbeResponse;
import dev.ferry.timesync.ProbeSample;
import java.time.Instant;

/** The one place where ferry.v1.Clock messages and timesync's values meet. */
final class ClockProtoMapper {
  private ClockProtoMapper() {}

  static long nanos(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  static ProbeRequest request(long t1) {
    return ProbeRequest.newBuilder().setT1Nanos(t1).build();
  }

  static ProbeResponse response(String node, long t1, long t2, long t3, long responderMonotonic) {
    return ProbeResponse.newBuilder().setNode(node).setT1Nanos(t1).setT2Nanos(t2).setT3Nanos(t3)
        .setResponderMonotonicNanos(responderMonotonic).build();
  }

  static ProbeSample sample(ProbeResponse r, long callerSendMonotonic, long callerReceiveMonotonic) {
    return new ProbeSample(r.getT1Nanos(), r.getT2Nanos(), r.getT3Nanos(), callerSendMonotonic,
        r.getResponderMonotonicNanos(), callerReceiveMonotonic);
  }
}
