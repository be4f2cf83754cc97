package dev.ferry.security.authz;

import dev.ferry.security.Identity;
import io.grpc.Context;
import java.util.Optional;

/** The authenticated caller of the current gRPC call, put in the call's Context by the interceptor. */
public final class Callers {
  static final Context.Key<Identity> CALLER = Context.key("ferry-caller");
  /** Set when the gate refused the call midway (a false self-claim); the gate has audited it already. */
  static final Context.Key<java.util.concurrent.atomic.AtomicBoolean> REFUSED = Context.key("ferry-refused");

  private Callers() {}

  /** True when the gate refused the current call after it started (its cancellation is no news to the audit). */
  public static boolean refusedByGate() {
    var refused = REFUSED.get();
    return refused != null && refused.get();
  }

  /** Empty outside a call, or on an --insecure server. */
  public static Optional<Identity> current() {
    return Optional.ofNullable(CALLER.get());
  }
}
