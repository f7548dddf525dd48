package dev.breakwater;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Tries a call again after a failure: a maximum number of attempts and of total time, exponential
 * backoff with a cap and jitter, retry-on and abort-on rules by exception type, predicate and
 * result, and an optional {@link RetryBudget}.
 *
 * <pre>{@code
 * Retry retry = Retry.builder()
 *     .maxAttempts(4).maxDuration(Duration.ofSeconds(2))
 *     .exponentialBackoff(Duration.ofMillis(50), 2.0, Duration.ofSeconds(1))
 *     .jitter(Retry.Jitter.FULL)
 *     .retryOn(IOException.class)
 *     .build();
 * Order o = retry.call(() -> exchange.send(order));
 * }</pre>
 *
 * <h2>What is retried</h2>
 * Without {@code retryOn}, every {@link Exception} is retried; with it, only the failures it names
 * (types and predicates accumulate). {@code abortOn} wins over {@code retryOn}.
 * {@link CallNotPermittedException} (an open breaker) and {@link BulkheadFullException} always
 * abort: retrying into an open breaker only burns the attempts, and an overload signal is not a
 * reason to add load. {@link Error}s and interruption always abort. {@code retryOnResult} retries
 * a result that it accepts (the last result is returned when attempts run out).
 *
 * <h2>Waiting</h2>
 * Synchronous retries wait on the calling thread ({@link Sleeper}, by default
 * {@link Thread#sleep}: fine on virtual threads, which unmount). Asynchronous retries never block
 * a thread: the next attempt is started by a {@link Scheduler}. The delay before retry {@code n}
 * (1-based) is {@code min(max, initial * multiplier^(n-1))}, then jittered: {@link Jitter#FULL}
 * draws uniformly from {@code [0, delay]} (AWS's "full jitter"), {@link Jitter#PROPORTIONAL}
 * from {@code delay * [1 - f, 1 + f]}. With {@code maxDuration}, no attempt starts after that
 * much time since the first one, and no wait is started that would end after it.
 *
 * <p>A {@code Retry} is immutable and thread-safe; one instance serves any number of calls.
 * Place it <em>outside</em> the breaker (see {@link Pipeline}): a retry inside a breaker makes
 * every attempt a breaker call.
 */
public final class Retry {

  /** How a backoff delay is randomised. */
  public enum Jitter {
    /** The computed delay, exactly. */
    NONE,
    /** Uniform in {@code [0, delay]}: spreads retries the most (AWS "full jitter"). */
    FULL,
    /** Uniform in {@code delay * [1 - factor, 1 + factor]}. */
    PROPORTIONAL
  }

  /** Waits synchronously between attempts. Tests plug in one that moves a fake clock. */
  @FunctionalInterface
  public interface Sleeper {
    /**
     * Waits {@code nanos}.
     *
     * @param nanos how long, {@code > 0}
     * @throws InterruptedException if interrupted (the retry then stops and rethrows it)
     */
    void sleep(long nanos) throws InterruptedException;
  }

  /** The largest number of attempts. */
  public static final int MAX_ATTEMPTS = 1_000;

  private final int maxAttempts;
  private final long maxDurationNanos;
  private final long initialNanos;
  private final double multiplier;
  private final long maxDelayNanos;
  private final Jitter jitter;
  private final double jitterFactor;
  private final Predicate<? super Throwable> retryOn;
  private final Predicate<? super Throwable> abortOn;
  private final Predicate<Object> retryOnResult;
  private final RetryBudget budget;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final Scheduler scheduler;

  private Retry(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.maxDurationNanos = b.maxDuration == null ? Long.MAX_VALUE : b.maxDuration.toNanos();
    this.initialNanos = b.initial.toNanos();
    this.multiplier = b.multiplier;
    this.maxDelayNanos = b.maxDelay.toNanos();
    this.jitter = b.jitter;
    this.jitterFactor = b.jitterFactor;
    this.retryOn = b.retryOn;
    this.abortOn = b.abortOn;
    this.retryOnResult = b.retryOnResult;
    this.budget = b.budget;
    this.ticker = b.ticker;
    this.sleeper = b.sleeper;
    this.scheduler = b.scheduler;
  }

  /**
   * A retry of up to {@code maxAttempts} attempts with the defaults (100 ms, doubling, capped at
   * 10 s, full jitter).
   *
   * @param maxAttempts in [1, {@value #MAX_ATTEMPTS}], the first attempt included
   * @return a new retry policy
   */
  public static Retry of(int maxAttempts) {
    return builder().maxAttempts(maxAttempts).build();
  }

  /**
   * Returns a builder: 3 attempts, backoff 100 ms doubling up to 10 s, full jitter, no total
   * duration limit, every {@link Exception} retried except an open breaker's and a full
   * bulkhead's.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ execution

  /**
   * Runs {@code operation}, retrying it as configured.
   *
   * @param <T> the result type
   * @param operation the call; run once per attempt on this thread
   * @return the first result not retried (or the last one)
   * @throws Exception the last failure, unchanged, once it is not retried
   */
  public <T> T call(Callable<? extends T> operation) throws Exception {
    Objects.requireNonNull(operation, "operation must not be null");
    return call(operation, null);
  }

  /**
   * The synchronous loop; {@code inner} non-null means "each attempt is the rest of a pipeline"
   * (no lambda: no allocation per call).
   */
  <T> T call(Callable<? extends T> operation, Pipeline.Stage<T> inner) throws Exception {
    final long start = maxDurationNanos == Long.MAX_VALUE ? 0 : ticker.read();
    if (budget != null) {
      budget.recordCall();
    }
    for (int attempt = 1; ; attempt++) {
      T result;
      try {
        result = inner == null ? operation.call() : inner.run(operation);
      } catch (Throwable t) {
        long delay = delayBeforeRetry(attempt, t, start);
        if (delay < 0) {
          throw t;
        }
        pause(delay, t);
        continue;
      }
      if (retryOnResult != null && acceptsResult(result)) {
        long delay = delayBeforeRetry(attempt, null, start);
        if (delay < 0) {
          return result;
        }
        pause(delay, null);
        continue;
      }
      return result;
    }
  }

  private void pause(long delay, Throwable failure) throws InterruptedException {
    if (delay == 0) {
      return;
    }
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
  }

  /**
   * Starts {@code operation}, retrying its failures as configured; waits between attempts on the
   * {@link Scheduler}, never on a thread. Cancelling the returned future cancels the attempt in
   * progress and starts no other.
   *
   * @param <T> the result type
   * @param operation starts one attempt; called once per attempt (the first on this thread)
   * @return a future of the first result not retried, or of the last failure
   */
  public <T> CompletableFuture<T> callAsync(
      Supplier<? extends CompletionStage<? extends T>> operation) {
    Objects.requireNonNull(operation, "operation must not be null");
    if (budget != null) {
      budget.recordCall();
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    new AsyncAttempts<>(this, operation, out,
        maxDurationNanos == Long.MAX_VALUE ? 0 : ticker.read()).attempt(1);
    return out;
  }

  /** The state of one asynchronous retried call. */
  private static final class AsyncAttempts<T> {
    private final Retry retry;
    private final Supplier<? extends CompletionStage<? extends T>> operation;
    private final CompletableFuture<T> out;
    private final long start;
    /** The attempt in progress or the pending wait, to cancel when {@code out} is cancelled. */
    private volatile Object current;

    AsyncAttempts(Retry retry, Supplier<? extends CompletionStage<? extends T>> operation,
        CompletableFuture<T> out, long start) {
      this.retry = retry;
      this.operation = operation;
      this.out = out;
      this.start = start;
      out.whenComplete((v, t) -> {
        if (t != null) {
          cancelCurrent();
        }
      });
    }

    private void cancelCurrent() {
      Object c = current;
      if (c instanceof CompletableFuture) {
        ((CompletableFuture<?>) c).cancel(true);
      } else if (c instanceof Scheduler.Cancellable) {
        ((Scheduler.Cancellable) c).cancel();
      }
    }

    void attempt(int n) {
      if (out.isDone()) {
        return; // cancelled (or completed by the caller) while waiting
      }
      CompletableFuture<T> f = Stages.start(operation);
      current = f;
      if (out.isDone()) {
        f.cancel(true); // cancelled between the check and the publication of f
        return;
      }
      f.whenComplete((v, t) -> {
        Throwable failure = t == null ? null : Stages.unwrap(t);
        boolean retryResult = failure == null && retry.retryOnResult != null
            && retry.acceptsResult(v);
        if (failure == null && !retryResult) {
          out.complete(v);
          return;
        }
        if (out.isDone() || (failure != null && Stages.isCancellation(failure))) {
          if (!out.isDone()) {
            out.completeExceptionally(failure);
          }
          return;
        }
        long delay = retry.delayBeforeRetry(n, failure, start);
        if (delay < 0) {
          if (failure == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(failure);
          }
          return;
        }
        current = retry.scheduler.schedule(() -> attempt(n + 1), delay);
        if (out.isDone()) {
          cancelCurrent();
        }
      });
    }
  }

  // ------------------------------------------------------------------ decisions

  /**
   * The wait before attempt {@code attempt + 1} after {@code failure} (null: a retried result),
   * or -1 if there is none: the failure is not retried, attempts or time are exhausted, or the
   * budget says no.
   */
  long delayBeforeRetry(int attempt, Throwable failure, long start) {
    if (failure != null && !retries(failure)) {
      return -1;
    }
    if (attempt >= maxAttempts) {
      return -1;
    }
    long delay = delayNanos(attempt);
    if (maxDurationNanos != Long.MAX_VALUE) {
      long elapsed = ticker.read() - start;
      if (elapsed + delay >= maxDurationNanos) {
        return -1;
      }
    }
    if (budget != null && !budget.tryRetry()) {
      return -1;
    }
    return delay;
  }

  /** Whether {@code failure} is retried (before counting attempts). */
  boolean retries(Throwable failure) {
    if (failure instanceof CallNotPermittedException || failure instanceof BulkheadFullException
        || failure instanceof Error || failure instanceof InterruptedException) {
      return false;
    }
    try {
      if (abortOn != null && abortOn.test(failure)) {
        return false;
      }
      return retryOn == null ? failure instanceof Exception : retryOn.test(failure);
    } catch (RuntimeException predicateFailure) {
      failure.addSuppressed(predicateFailure);
      return false; // a broken predicate must not turn into an endless retry
    }
  }

  private boolean acceptsResult(Object result) {
    try {
      return retryOnResult.test(result);
    } catch (RuntimeException predicateFailure) {
      return false;
    }
  }

  /** The jittered delay before retry number {@code retry} (1-based), in nanoseconds. */
  long delayNanos(int retry) {
    double d = initialNanos * Math.pow(multiplier, retry - 1);
    long base = d >= maxDelayNanos ? maxDelayNanos : (long) d;
    switch (jitter) {
      case FULL:
        return base == 0 ? 0 : ThreadLocalRandom.current().nextLong(base + 1);
      case PROPORTIONAL: {
        double f = 1.0 + jitterFactor * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(0, Math.min((long) (base * f), Long.MAX_VALUE / 2));
      }
      default:
        return base;
    }
  }

  /**
   * The maximum number of attempts.
   *
   * @return attempts including the first
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public String toString() {
    return "Retry(" + maxAttempts + " attempts"
        + (maxDurationNanos == Long.MAX_VALUE ? "" : ", within " + Duration.ofNanos(maxDurationNanos))
        + ", backoff " + Duration.ofNanos(initialNanos)
        + (multiplier == 1.0 ? "" : " x" + multiplier + " up to " + Duration.ofNanos(maxDelayNanos))
        + (jitter == Jitter.NONE ? "" : ", " + jitter.name().toLowerCase(java.util.Locale.ROOT)
            + " jitter")
        + (budget == null ? "" : ", " + budget) + ")";
  }

  /** Builds a {@link Retry}. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration maxDuration;
    private Duration initial = Duration.ofMillis(100);
    private double multiplier = 2.0;
    private Duration maxDelay = Duration.ofSeconds(10);
    private Jitter jitter = Jitter.FULL;
    private double jitterFactor = 0.5;
    private Predicate<? super Throwable> retryOn;
    private Predicate<? super Throwable> abortOn;
    private Predicate<Object> retryOnResult;
    private RetryBudget budget;
    private Ticker ticker = Ticker.systemTicker();
    private Sleeper sleeper = nanos -> TimeUnit.NANOSECONDS.sleep(nanos);
    private Scheduler scheduler = Scheduler.system();

    private Builder() {}

    /**
     * How many attempts at most, the first included.
     *
     * @param maxAttempts in [1, {@value Retry#MAX_ATTEMPTS}]; default 3
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
        throw new IllegalArgumentException(
            "maxAttempts must be in [1, " + MAX_ATTEMPTS + "]: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * How long after the first attempt's start a retry may still start (its wait included).
     *
     * @param maxDuration in [1 ms, 1 day]; default none
     * @return this builder
     */
    public Builder maxDuration(Duration maxDuration) {
      Objects.requireNonNull(maxDuration, "maxDuration must not be null");
      if (maxDuration.compareTo(Duration.ofMillis(1)) < 0
          || maxDuration.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("maxDuration must be in [PT0.001S, PT24H]: "
            + maxDuration);
      }
      this.maxDuration = maxDuration;
      return this;
    }

    /**
     * A constant wait between attempts (before jitter).
     *
     * @param delay in [0, 1 hour]
     * @return this builder
     */
    public Builder fixedBackoff(Duration delay) {
      return exponentialBackoff(delay, 1.0, delay);
    }

    /**
     * Waits {@code initial}, then {@code multiplier} times longer each retry, at most {@code max}
     * (before jitter).
     *
     * @param initial the first wait, in [0, 1 hour]; default 100 ms
     * @param multiplier in [1.0, 100.0]; default 2.0
     * @param max the cap, in [initial, 1 hour]; default 10 s
     * @return this builder
     */
    public Builder exponentialBackoff(Duration initial, double multiplier, Duration max) {
      Objects.requireNonNull(initial, "initial must not be null");
      Objects.requireNonNull(max, "max must not be null");
      Duration hour = Duration.ofHours(1);
      if (initial.isNegative() || initial.compareTo(hour) > 0) {
        throw new IllegalArgumentException("initial must be in [0, PT1H]: " + initial);
      }
      if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
        throw new IllegalArgumentException("multiplier must be in [1.0, 100.0]: " + multiplier);
      }
      if (max.compareTo(initial) < 0 || max.compareTo(hour) > 0) {
        throw new IllegalArgumentException("max must be in [initial (" + initial + "), PT1H]: "
            + max);
      }
      this.initial = initial;
      this.multiplier = multiplier;
      this.maxDelay = max;
      return this;
    }

    /**
     * How delays are randomised; {@link Jitter#PROPORTIONAL} uses a factor of 0.5 unless
     * {@link #proportionalJitter(double)} sets one.
     *
     * @param jitter the mode; default {@link Jitter#FULL}
     * @return this builder
     */
    public Builder jitter(Jitter jitter) {
      this.jitter = Objects.requireNonNull(jitter, "jitter must not be null");
      return this;
    }

    /**
     * Proportional jitter: each delay multiplied by a uniform draw from {@code [1 - factor,
     * 1 + factor]}.
     *
     * @param factor in [0.0, 1.0]
     * @return this builder
     */
    public Builder proportionalJitter(double factor) {
      if (!(factor >= 0.0 && factor <= 1.0)) {
        throw new IllegalArgumentException("factor must be in [0.0, 1.0]: " + factor);
      }
      this.jitter = Jitter.PROPORTIONAL;
      this.jitterFactor = factor;
      return this;
    }

    /**
     * Retries failures of these types (instead of every {@link Exception}); accumulates with
     * other {@code retryOn} calls.
     *
     * @param types exception types ({@code Throwable} subclasses), at least one, no null
     * @return this builder
     */
    public Builder retryOn(Class<?>... types) {
      return retryOn(anyOf("types", types));
    }

    /**
     * Retries failures {@code predicate} accepts; accumulates with other {@code retryOn} calls.
     *
     * @param predicate decides; non-null
     * @return this builder
     */
    public Builder retryOn(Predicate<? super Throwable> predicate) {
      Objects.requireNonNull(predicate, "predicate must not be null");
      Predicate<? super Throwable> before = retryOn;
      this.retryOn = before == null ? predicate : t -> before.test(t) || predicate.test(t);
      return this;
    }

    /**
     * Never retries failures of these types (wins over {@code retryOn}); accumulates.
     *
     * @param types exception types ({@code Throwable} subclasses), at least one, no null
     * @return this builder
     */
    public Builder abortOn(Class<?>... types) {
      return abortOn(anyOf("types", types));
    }

    /**
     * Never retries failures {@code predicate} accepts (wins over {@code retryOn}); accumulates.
     *
     * @param predicate decides; non-null
     * @return this builder
     */
    public Builder abortOn(Predicate<? super Throwable> predicate) {
      Objects.requireNonNull(predicate, "predicate must not be null");
      Predicate<? super Throwable> before = abortOn;
      this.abortOn = before == null ? predicate : t -> before.test(t) || predicate.test(t);
      return this;
    }

    /**
     * Retries a result {@code predicate} accepts (e.g. a "try again" status); when attempts run
     * out the last such result is returned.
     *
     * @param predicate decides; non-null; receives the result (possibly null)
     * @return this builder
     */
    public Builder retryOnResult(Predicate<Object> predicate) {
      this.retryOnResult = Objects.requireNonNull(predicate, "predicate must not be null");
      return this;
    }

    /**
     * Limits retries to a fraction of calls (see {@link RetryBudget}).
     *
     * @param budget the budget, possibly shared; non-null
     * @return this builder
     */
    public Builder budget(RetryBudget budget) {
      this.budget = Objects.requireNonNull(budget, "budget must not be null");
      return this;
    }

    /**
     * The clock for {@code maxDuration}.
     *
     * @param ticker non-null; default {@link Ticker#systemTicker()}
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
      return this;
    }

    /**
     * How synchronous retries wait.
     *
     * @param sleeper non-null; default {@link Thread#sleep}
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper must not be null");
      return this;
    }

    /**
     * What starts asynchronous retries after their delay.
     *
     * @param scheduler non-null; default {@link Scheduler#system()}
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return a new, immutable retry policy
     */
    public Retry build() {
      return new Retry(this);
    }

    private static Predicate<Throwable> anyOf(String what, Class<?>[] types) {
      Objects.requireNonNull(types, what + " must not be null");
      if (types.length == 0) {
        throw new IllegalArgumentException(what + " must name at least one exception type: []");
      }
      Class<?>[] copy = types.clone();
      for (Class<?> c : copy) {
        Objects.requireNonNull(c, what + " must not contain null");
        if (!Throwable.class.isAssignableFrom(c)) {
          throw new IllegalArgumentException(what + " must be Throwable types: " + c.getName());
        }
      }
      return t -> {
        for (Class<?> c : copy) {
          if (c.isInstance(t)) {
            return true;
          }
        }
        return false;
      };
    }
  }
}
