package dev.breakwater;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Tests a dependency in HALF_OPEN before real traffic is let through: a cheap call of your
 * choosing (a Redis {@code PING}, an HTTP health endpoint, {@code SELECT 1}), run on an executor
 * you choose, instead of sacrificing real requests as probes.
 *
 * <pre>{@code
 * HealthCheck ping = HealthCheck.builder(() -> "PONG".equals(redis.ping()))
 *     .executor(checkExecutor)
 *     .build();
 * CircuitBreakerConfig config = CircuitBreakerConfig.builder()
 *     .failureThreshold(5).openTimeout(Duration.ofSeconds(10)).successThreshold(3)
 *     .healthCheck(ping)
 *     .build();
 * }</pre>
 *
 * <h2>What happens</h2>
 * <ol>
 *   <li>When the breaker opens, the check's {@link Scheduler} is asked to wake it when the open
 *       timeout has passed; a real call arriving after that time wakes it too. Whichever comes
 *       first wins the breaker's OPEN&nbsp;&rarr;&nbsp;HALF_OPEN CAS, so <b>exactly one chain of
 *       checks starts per HALF_OPEN period</b>, however many threads race; the caller that wins it
 *       is rejected like every other real call.
 *   <li>The chain runs checks one at a time, each holding a probe slot: a check that returns
 *       {@code true} counts as a probe success, anything else ({@code false}, an exception, a
 *       rejected executor) as a probe failure. After {@code successThreshold} passing checks the
 *       breaker closes; the first failing check re-opens it (with backoff), and the next period
 *       starts a new chain. So a period runs exactly {@code successThreshold} checks if all pass.
 *   <li>Real calls stay rejected ({@link CallNotPermittedException}, state HALF_OPEN, retry
 *       after 0) while the checks run, unless {@link Builder#handOverAfter(int)} is set: after
 *       that many passing checks the chain stops and real calls probe as usual.
 *   <li>A hung check is a hung probe: it fails after {@code checkTimeout} (by default the
 *       breaker's base open timeout, the hung-probe rule), counted by this check's
 *       {@link Scheduler}; real callers apply the same rule to the check's slot. The check's own
 *       thread is not interrupted: like any abandoned work it runs to its end, its verdict
 *       ignored.
 * </ol>
 *
 * <p>A health check is part of a {@link CircuitBreakerConfig} and may be shared by every breaker
 * built from it: it keeps no per-breaker state. Checks are not calls: they are not counted in
 * {@link CircuitBreaker#stats()}.
 */
public final class HealthCheck {
  private final Callable<Boolean> check;
  private final Supplier<? extends CompletionStage<Boolean>> asyncCheck;
  private final Executor executor;
  private final Scheduler scheduler;
  private final long checkTimeoutNanos;
  /** Passing checks after which real calls probe; {@code Integer.MAX_VALUE}: never. */
  final int handOverAfter;

  private HealthCheck(Builder b) {
    this.check = b.check;
    this.asyncCheck = b.asyncCheck;
    this.executor = b.executor;
    this.scheduler = b.scheduler;
    this.checkTimeoutNanos = b.checkTimeout == null ? -1 : b.checkTimeout.toNanos();
    this.handOverAfter = b.handOverAfter;
  }

  /**
   * A builder for a blocking check, run on the executor given to
   * {@link Builder#executor(Executor)} (required).
   *
   * @param check returns whether the dependency is healthy; non-null
   * @return a new builder
   */
  public static Builder builder(Callable<Boolean> check) {
    return new Builder(Objects.requireNonNull(check, "check must not be null"), null);
  }

  /**
   * A builder for an asynchronous check (started on the thread that wakes the breaker; it must
   * not block).
   *
   * @param check starts the check; its stage completes with whether the dependency is healthy
   * @return a new builder
   */
  public static Builder builderAsync(Supplier<? extends CompletionStage<Boolean>> check) {
    return new Builder(null, Objects.requireNonNull(check, "check must not be null"));
  }

  // ------------------------------------------------------------------ driven by the breaker

  /**
   * The breaker just opened: wake it when its open timeout has passed (the kick is an ordinary
   * admission attempt; if it wins the transition, the breaker starts the chain).
   */
  void opened(CircuitBreaker breaker) {
    long wait = breaker.remainingOpenTime().toNanos();
    scheduler.schedule(() -> kick(breaker), wait);
  }

  private void kick(CircuitBreaker breaker) {
    long code = breaker.acquire();
    if (code >= 0) {
      // CLOSED, or a real probe slot (the config has no health check any more): not ours
      breaker.releasePermit(code);
      return;
    }
    long wait = -1 - code;
    if (breaker.state() == CircuitBreaker.State.OPEN && wait > 0) {
      scheduler.schedule(() -> kick(breaker), wait); // the deadline rounds up: try again then
    }
  }

  /** Runs one check holding the probe slot {@code permit} of HALF_OPEN generation of the same value. */
  void start(CircuitBreaker breaker, long permit) {
    CompletableFuture<Boolean> verdict;
    if (asyncCheck != null) {
      verdict = Stages.start(asyncCheck);
    } else {
      verdict = new CompletableFuture<>();
      CompletableFuture<Boolean> v = verdict;
      try {
        executor.execute(() -> {
          try {
            v.complete(check.call());
          } catch (Throwable t) {
            v.completeExceptionally(t);
          }
        });
      } catch (RuntimeException rejected) {
        verdict.completeExceptionally(rejected);
      }
    }
    if (!verdict.isDone()) {
      long timeout = checkTimeoutNanos >= 0 ? checkTimeoutNanos
          : breaker.config().openTimeout().toNanos();
      CompletableFuture<Boolean> v = verdict;
      Scheduler.Cancellable timer = scheduler.schedule(() -> v.completeExceptionally(
          new TimeoutException("health check hung")), timeout);
      verdict.whenComplete((ok, t) -> timer.cancel());
    }
    verdict.whenComplete((ok, t) -> {
      boolean healthy = t == null && Boolean.TRUE.equals(ok);
      breaker.reportCheck(permit, healthy);
      if (healthy) {
        next(breaker, (int) permit);
      }
    });
  }

  /** After a passing check: the next one, while the period still wants checks. */
  private void next(CircuitBreaker breaker, int generation) {
    if (!breaker.wantsCheck(generation)) {
      return; // closed, handed over, or moved on
    }
    long permit = breaker.acquireCheckSlot(generation);
    if (permit >= 0) {
      start(breaker, permit);
    }
  }

  @Override
  public String toString() {
    return "HealthCheck(" + (asyncCheck != null ? "async" : "on an executor")
        + (handOverAfter == Integer.MAX_VALUE ? "" : ", hands over after " + handOverAfter)
        + ")";
  }

  /** Builds a {@link HealthCheck}. */
  public static final class Builder {
    private final Callable<Boolean> check;
    private final Supplier<? extends CompletionStage<Boolean>> asyncCheck;
    private Executor executor;
    private Scheduler scheduler = Scheduler.system();
    private Duration checkTimeout;
    private int handOverAfter = Integer.MAX_VALUE;

    private Builder(Callable<Boolean> check,
        Supplier<? extends CompletionStage<Boolean>> asyncCheck) {
      this.check = check;
      this.asyncCheck = asyncCheck;
    }

    /**
     * Where a blocking check runs (required for {@link HealthCheck#builder}; a virtual-thread
     * executor on JDK 21+ is a good choice).
     *
     * @param executor non-null
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * What wakes a breaker when its open timeout has passed, and times the checks.
     *
     * @param scheduler non-null; default {@link Scheduler#system()}
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /**
     * After how long a check in flight counts as failed (hung).
     *
     * @param checkTimeout in [1 ms, 1 day]; default the breaker's base open timeout
     * @return this builder
     */
    public Builder checkTimeout(Duration checkTimeout) {
      Objects.requireNonNull(checkTimeout, "checkTimeout must not be null");
      if (checkTimeout.compareTo(Duration.ofMillis(1)) < 0
          || checkTimeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("checkTimeout must be in [PT0.001S, PT24H]: "
            + checkTimeout);
      }
      this.checkTimeout = checkTimeout;
      return this;
    }

    /**
     * Lets real calls probe after {@code passingChecks} checks passed in a period (instead of
     * the checks closing the breaker themselves).
     *
     * @param passingChecks in [1, 1023]
     * @return this builder
     */
    public Builder handOverAfter(int passingChecks) {
      if (passingChecks < 1 || passingChecks > BreakerWord.MAX_PROBES) {
        throw new IllegalArgumentException("passingChecks must be in [1, "
            + BreakerWord.MAX_PROBES + "]: " + passingChecks);
      }
      this.handOverAfter = passingChecks;
      return this;
    }

    /**
     * Builds the health check.
     *
     * @return a new, immutable health check
     * @throws IllegalStateException if a blocking check has no executor
     */
    public HealthCheck build() {
      if (check != null && executor == null) {
        throw new IllegalStateException("a blocking health check needs an executor:"
            + " HealthCheck.builder(check).executor(...)");
      }
      return new HealthCheck(this);
    }
  }
}
