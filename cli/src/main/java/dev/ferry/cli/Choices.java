package dev.ferry.cli;

import dev.ferry.proto.v1.ClockPolicy;
import dev.ferry.proto.v1.NonConvergence;
import dev.ferry.proto.v1.Strategy;

/** The enumerated option values of the command line and their ferry.v1 counterparts. */
final class Choices {
  private Choices() {}

  enum StrategyChoice {
    AUTO(Strategy.STRATEGY_AUTO),
    PRECOPY(Strategy.STRATEGY_PRECOPY),
    POSTCOPY(Strategy.STRATEGY_POSTCOPY),
    STOPCOPY(Strategy.STRATEGY_STOPCOPY);

    final Strategy proto;

    StrategyChoice(Strategy proto) {
      this.proto = proto;
    }
  }

  enum ClockPolicyChoice {
    SUSPEND(ClockPolicy.CLOCK_POLICY_SUSPEND),
    FREEZE(ClockPolicy.CLOCK_POLICY_FREEZE),
    WALL(ClockPolicy.CLOCK_POLICY_WALL);

    final ClockPolicy proto;

    ClockPolicyChoice(ClockPolicy proto) {
      this.proto = proto;
    }
  }

  enum NonConvergenceChoice {
    FREEZE(NonConvergence.NON_CONVERGENCE_FREEZE),
    THROTTLE(NonConvergence.NON_CONVERGENCE_THROTTLE),
    POSTCOPY(NonConvergence.NON_CONVERGENCE_POSTCOPY);

    final NonConvergence proto;

    NonConvergenceChoice(NonConvergence proto) {
      this.proto = proto;
    }
  }

  enum OutputFormat {
    TEXT,
    JSON
  }
}
