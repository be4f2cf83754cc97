package dev.ferry.coordinator.agent;

import dev.ferry.coordinator.fsm.Failure;
import dev.ferry.coordinator.fsm.Reason;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.grpc.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one policy for every call to an agent: a time limit per call, retry with exponential
 * back-off when the agent is unreachable (only for calls that are safe to repeat), and a
 * circuit breaker per agent so a dead node fails fast instead of tying up every migration.
 */
public final class AgentCallPolicy {

  /** Every knob in one record. */
  public record Settings(int maxAttempts, Duration initialBackoff, double multiplier, int breakerWindow,
      float breakerFailureRatePercent, Duration breakerOpenFor, Duration shortCallLimit, Duration longCallLimit) {

    public static final Settings DEFAULT = new Settings(4, Duration.ofMillis(250), 2.0, 10, 50f,
        Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(10));
  }

  private final Settings settings;
  private final CircuitBreakerRegistry breakers;
  private final RetryConfig retry;
  /** Each call on its own virtual thread, in the caller's trace context (the migration phase's span). */
  private final ExecutorService calls = io.opentelemetry.context.Context.taskWrapping(
      Executors.newVirtualThreadPerTaskExecutor());
  /** Fires the calls' deadlines: one timer thread, as gRPC's Context needs one to schedule them. */
  private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("agent-call-deadlines").factory());

  public AgentCallPolicy(Settings settings) {
    this.settings = settings;
    this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowSize(settings.breakerWindow())
        .minimumNumberOfCalls(Math.min(settings.breakerWindow(), 4))
        .failureRateThreshold(settings.breakerFailureRatePercent())
        .waitDurationInOpenState(settings.breakerOpenFor())
        // Only an unreachable agent counts against its breaker; a CRIU refusal says nothing about the link.
        .recordException(AgentCallPolicy::unreachable)
        .build());
    this.retry = RetryConfig.custom()
        .maxAttempts(settings.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.initialBackoff(), settings.multiplier()))
        .retryOnException(AgentCallPolicy::unreachable)
        .build();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Runs {@code call} against {@code node}'s agent under the policy.
   *
   * @param idempotent only these are retried; a dump or restore is never sent twice by this layer
   */
  public <T> T call(String node, String operation, boolean idempotent, Duration limit, Supplier<T> call) {
    CircuitBreaker breaker = breakers.circuitBreaker(node);
    Supplier<T> limited = () -> withTimeLimit(node, operation, limit, call);
    Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, limited);
    Supplier<T> decorated = idempotent
        ? Retry.decorateSupplier(Retry.of(node + "/" + operation, retry), guarded) : guarded;
    try {
      return decorated.get();
    } catch (CallNotPermittedException e) {
      throw new AgentException(new Failure.Unreachable(Reason.TARGET_UNREACHABLE, node, "agent on " + node
          + " failed repeatedly; not calling it for " + settings.breakerOpenFor().toSeconds() + " s"), e);
    }
  }

  private <T> T withTimeLimit(String node, String operation, Duration limit, Supplier<T> call) {
    TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(limit)
        .cancelRunningFuture(true).build());
    // gRPC's Context carries the limit into the call as its deadline: the agent sees it, and the
    // RPC itself ends at the limit (cancelling the future alone would leave it running).
    Context.CancellableContext bounded = Context.current().withDeadlineAfter(limit.toMillis(), TimeUnit.MILLISECONDS,
        DEADLINES);
    try {
      return limiter.executeFutureSupplier(() -> CompletableFuture.supplyAsync(withLogFields(within(bounded, call)), calls));
    } catch (TimeoutException e) {
      throw new AgentException(new Failure.TimedOut(operation + " on " + node, limit), e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (Exception e) {
      throw rethrow(e.getCause() != null && !(e instanceof AgentException) ? e.getCause() : e);
    } finally {
      bounded.cancel(null);
    }
  }

  private static <T> Supplier<T> within(Context context, Supplier<T> call) {
    return () -> {
      Context previous = context.attach();
      try {
        return call.get();
      } finally {
        context.detach(previous);
      }
    };
  }

  /** The caller's log fields (migration, container, nodes) on the call's thread too. */
  private static <T> Supplier<T> withLogFields(Supplier<T> call) {
    java.util.Map<String, String> fields = org.slf4j.MDC.getCopyOfContextMap();
    return () -> {
      if (fields != null) {
        org.slf4j.MDC.setContextMap(fields);
      }
      try {
        return call.get();
      } finally {
        org.slf4j.MDC.clear();
      }
    };
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new AgentException(new Failure.StepRejected(Reason.INTERNAL_ERROR, "", String.valueOf(t), ""), t);
  }

  private static boolean unreachable(Throwable t) {
    return t instanceof AgentException e && e.failure() instanceof Failure.Unreachable;
  }
}
