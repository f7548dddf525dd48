package dev.breakwater;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Policies composed around a call, written outer to inner:
 *
 * <pre>{@code
 * Pipeline<Order> orders = Pipeline.<Order>builder()
 *     .fallback(Fallback.to(() -> backup.send(order)))   // 1. failover when all else failed
 *     .retry(Retry.of(3))                                 // 2. retry each failure...
 *     .breaker(primaryBreaker)                            // 3. ...through the breaker
 *     .bulkhead(Bulkhead.of("primary", 20))               // 4. at most 20 at once
 *     .timeout(Timeout.of(Duration.ofMillis(500)))        // 5. each attempt at most 500 ms
 *     .build();
 * Order o = orders.call(() -> primary.send(order));
 * System.out.println(orders.describe());
 * }</pre>
 *
 * <h2>Order</h2>
 * The recommended order, and the order of the example, is fallback, retry, breaker, bulkhead,
 * timeout, call: the fallback sees only what survived the retries; each retry goes through the
 * breaker, so an open breaker stops the retries at once ({@link CallNotPermittedException} is
 * never retried); a rejected call takes no bulkhead permit; each attempt has its own timeout,
 * and a timed-out attempt counts as a breaker failure. Two orders are known mistakes and
 * {@link Builder#build()} rejects them with {@link IllegalArgumentException}:
 * <ul>
 *   <li>a retry inside a breaker: the breaker would see one call however many attempts fail, and
 *       a retry could not stop at an open breaker;
 *   <li>a fallback inside a retry: the fallback would answer every failure, so the retry would
 *       never retry.
 * </ul>
 * Other orders are accepted as written (a timeout outside the retry bounds all attempts
 * together; a bulkhead outside the breaker lets rejected calls hold permits), and
 * {@link #describe()} prints the nesting.
 *
 * <h2>Costs and guarantees</h2>
 * A synchronous call through fallback, retry, breaker and bulkhead allocates nothing when
 * nothing fails (no lambda per call: the pipeline walks its stages by index). Every breaker
 * permit and bulkhead permit taken is given back on every path: success, failure, a fallback
 * answer, an exception thrown by a policy, and, asynchronously, a cancellation of the returned
 * future, which is passed inwards to the attempt in progress. A timeout (synchronous) needs a
 * thread to abandon: see {@link Timeout}.
 *
 * @param <T> the result type; a {@link Fallback} of another type does not compile in
 */
public final class Pipeline<T> {
  private static final int FALLBACK = 0;
  private static final int RETRY = 1;
  private static final int BREAKER = 2;
  private static final int BULKHEAD = 3;
  private static final int TIMEOUT = 4;
  private static final String[] KIND = {"fallback", "retry", "breaker", "bulkhead", "timeout"};

  private final int[] kinds;
  private final Object[] policies;
  /** The synchronous chain, outermost stage first. */
  private final Stage<T> sync;

  private Pipeline(int[] kinds, Object[] policies) {
    this.kinds = kinds;
    this.policies = policies;
    this.sync = chain(kinds, policies);
  }

  /**
   * Returns a builder for a pipeline of results of type {@code T}.
   *
   * @param <T> the result type
   * @return a new builder with no policy
   */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  // ------------------------------------------------------------------ synchronous

  /**
   * Runs {@code operation} through every policy, outer to inner.
   *
   * @param operation the call; run once per attempt on the calling thread (or on the timeout's
   *     thread when the pipeline has a {@link Timeout})
   * @return the call's result or the fallback's answer
   * @throws Exception what the policies let through: the call's last failure,
   *     {@link CallNotPermittedException}, {@link BulkheadFullException},
   *     {@link java.util.concurrent.TimeoutException}
   */
  public T call(Callable<? extends T> operation) throws Exception {
    Objects.requireNonNull(operation, "operation must not be null");
    return sync.run(operation);
  }

  /**
   * One synchronous stage and everything inside it. Each kind of policy is its own final class
   * whose call to the next stage is a separate call site, so where one pipeline shape dominates
   * the JIT sees each site monomorphic and inlines the whole chain (a single recursive method
   * would stop at its recursive-inlining limit).
   */
  abstract static class Stage<T> {
    abstract T run(Callable<? extends T> operation) throws Exception;
  }

  /** The call itself. */
  private static final class CallStage<T> extends Stage<T> {
    @Override
    T run(Callable<? extends T> operation) throws Exception {
      return operation.call();
    }
  }

  private static final class FallbackStage<T> extends Stage<T> {
    private final Fallback<? extends T> fallback;
    private final Stage<T> next;

    FallbackStage(Fallback<? extends T> fallback, Stage<T> next) {
      this.fallback = fallback;
      this.next = next;
    }

    @Override
    T run(Callable<? extends T> operation) throws Exception {
      try {
        return next.run(operation);
      } catch (Throwable t) {
        if (!fallback.handles(t)) {
          throw t;
        }
        return fallback.apply(t);
      }
    }
  }

  private static final class RetryStage<T> extends Stage<T> {
    private final Retry retry;
    private final Stage<T> next;

    RetryStage(Retry retry, Stage<T> next) {
      this.retry = retry;
      this.next = next;
    }

    @Override
    T run(Callable<? extends T> operation) throws Exception {
      return retry.call(operation, next);
    }
  }

  private static final class BreakerStage<T> extends Stage<T> {
    private final CircuitBreaker breaker;
    private final Stage<T> next;

    BreakerStage(CircuitBreaker breaker, Stage<T> next) {
      this.breaker = breaker;
      this.next = next;
    }

    @Override
    T run(Callable<? extends T> operation) throws Exception {
      return breaker.call(operation, next); // the breaker's own call() path around the rest
    }
  }

  private static final class BulkheadStage<T> extends Stage<T> {
    private final Bulkhead bulkhead;
    private final Stage<T> next;

    BulkheadStage(Bulkhead bulkhead, Stage<T> next) {
      this.bulkhead = bulkhead;
      this.next = next;
    }

    @Override
    T run(Callable<? extends T> operation) throws Exception {
      final Bulkhead b = bulkhead;
      if (!b.acquire()) {
        throw b.full();
      }
      try {
        return next.run(operation);
      } finally {
        b.release();
      }
    }
  }

  private static final class TimeoutStage<T> extends Stage<T> {
    private final Timeout timeout;
    private final Stage<T> next;

    TimeoutStage(Timeout timeout, Stage<T> next) {
      this.timeout = timeout;
      this.next = next;
    }

    @Override
    T run(Callable<? extends T> operation) throws Exception {
      return timeout.call(() -> next.run(operation)); // a task per call: it runs elsewhere
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Stage<T> chain(int[] kinds, Object[] policies) {
    Stage<T> s = new CallStage<>();
    for (int i = kinds.length - 1; i >= 0; i--) {
      Object p = policies[i];
      switch (kinds[i]) {
        case FALLBACK:
          s = new FallbackStage<>((Fallback<? extends T>) p, s);
          break;
        case RETRY:
          s = new RetryStage<>((Retry) p, s);
          break;
        case BREAKER:
          s = new BreakerStage<>((CircuitBreaker) p, s);
          break;
        case BULKHEAD:
          s = new BulkheadStage<>((Bulkhead) p, s);
          break;
        default:
          s = new TimeoutStage<>((Timeout) p, s);
          break;
      }
    }
    return s;
  }

  // ------------------------------------------------------------------ asynchronous

  /**
   * Starts {@code operation} through every policy, outer to inner, without blocking a thread:
   * retries wait on a {@link Scheduler}, the bulkhead rejects at once when full, the timeout
   * fails the attempt's stage. Cancelling the returned future cancels the attempt in progress and
   * releases every permit it holds.
   *
   * @param operation starts one attempt (the first on this thread)
   * @return a future of the result or the fallback's answer, or of what the policies let
   *     through
   */
  public CompletableFuture<T> callAsync(
      Supplier<? extends CompletionStage<? extends T>> operation) {
    Objects.requireNonNull(operation, "operation must not be null");
    return runAsync(0, operation);
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<T> runAsync(int level,
      Supplier<? extends CompletionStage<? extends T>> operation) {
    if (level == kinds.length) {
      return Stages.start(operation);
    }
    final Object policy = policies[level];
    final int next = level + 1;
    final Supplier<CompletableFuture<T>> inner = () -> runAsync(next, operation);
    switch (kinds[level]) {
      case FALLBACK: {
        final Fallback<? extends T> fallback = (Fallback<? extends T>) policy;
        CompletableFuture<T> first = inner.get();
        CompletableFuture<T> out = new CompletableFuture<>();
        first.whenComplete((v, t) -> {
          if (t == null) {
            out.complete(v);
            return;
          }
          Throwable failure = Stages.unwrap(t);
          if (out.isDone() || Stages.isCancellation(failure) || !fallback.handles(failure)) {
            out.completeExceptionally(failure);
            return;
          }
          Stages.link(fallback.applyAsync(failure), out);
        });
        out.whenComplete((v, t) -> {
          if (t != null) {
            first.cancel(true);
          }
        });
        return out;
      }
      case RETRY:
        return ((Retry) policy).callAsync(inner);
      case BREAKER: {
        CompletionStage<T> stage = ((CircuitBreaker) policy).callAsync(inner);
        return (CompletableFuture<T>) stage; // callAsync returns a CompletableFuture (AsyncCall)
      }
      case BULKHEAD:
        return ((Bulkhead) policy).callAsync(inner);
      default:
        return ((Timeout) policy).callAsync(inner);
    }
  }

  // ------------------------------------------------------------------ description

  /**
   * The nesting, outer to inner, one policy per line, for logs and reviews.
   *
   * @return a multi-line description ending with the call
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < kinds.length; i++) {
      sb.append("  ".repeat(i)).append(KIND[kinds[i]]).append(": ").append(policies[i])
          .append('\n');
    }
    sb.append("  ".repeat(kinds.length)).append("call\n");
    return sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Pipeline[");
    for (int i = 0; i < kinds.length; i++) {
      sb.append(KIND[kinds[i]]).append(" > ");
    }
    return sb.append("call]").toString();
  }

  /**
   * Builds a {@link Pipeline}; policies are added outer to inner.
   *
   * @param <T> the result type
   */
  public static final class Builder<T> {
    private final List<Integer> kinds = new ArrayList<>();
    private final List<Object> policies = new ArrayList<>();

    private Builder() {}

    private Builder<T> add(int kind, Object policy, String what) {
      Objects.requireNonNull(policy, what + " must not be null");
      for (Object p : policies) {
        if (p == policy) {
          throw new IllegalArgumentException(what + " is already in this pipeline: " + policy);
        }
      }
      kinds.add(kind);
      policies.add(policy);
      return this;
    }

    /**
     * Adds a fallback (typed: its result type must fit the pipeline's).
     *
     * @param fallback non-null
     * @return this builder
     */
    public Builder<T> fallback(Fallback<? extends T> fallback) {
      return add(FALLBACK, fallback, "fallback");
    }

    /**
     * Adds a retry.
     *
     * @param retry non-null
     * @return this builder
     */
    public Builder<T> retry(Retry retry) {
      return add(RETRY, retry, "retry");
    }

    /**
     * Adds a circuit breaker.
     *
     * @param breaker non-null
     * @return this builder
     */
    public Builder<T> breaker(CircuitBreaker breaker) {
      return add(BREAKER, breaker, "breaker");
    }

    /**
     * Adds a bulkhead.
     *
     * @param bulkhead non-null
     * @return this builder
     */
    public Builder<T> bulkhead(Bulkhead bulkhead) {
      return add(BULKHEAD, bulkhead, "bulkhead");
    }

    /**
     * Adds a timeout.
     *
     * @param timeout non-null
     * @return this builder
     */
    public Builder<T> timeout(Timeout timeout) {
      return add(TIMEOUT, timeout, "timeout");
    }

    /**
     * Builds the pipeline, rejecting the known mistakes of order (see {@link Pipeline}).
     *
     * @return a new, immutable pipeline
     * @throws IllegalArgumentException for a retry inside a breaker or a fallback inside a retry
     */
    public Pipeline<T> build() {
      int firstBreaker = kinds.indexOf(BREAKER);
      int firstRetry = kinds.indexOf(RETRY);
      int lastRetry = kinds.lastIndexOf(RETRY);
      int lastFallback = kinds.lastIndexOf(FALLBACK);
      if (firstBreaker >= 0 && lastRetry > firstBreaker) {
        throw new IllegalArgumentException("retry must be outside the breaker (added before it):"
            + " a retry inside a breaker makes the breaker see one call however many attempts"
            + " fail, and cannot stop at an open breaker; order given: " + order());
      }
      if (firstRetry >= 0 && lastFallback > firstRetry) {
        throw new IllegalArgumentException("fallback must be outside the retry (added before"
            + " it): a fallback inside a retry answers every failure, so the retry never"
            + " retries; order given: " + order());
      }
      int[] k = new int[kinds.size()];
      for (int i = 0; i < k.length; i++) {
        k[i] = kinds.get(i);
      }
      return new Pipeline<>(k, policies.toArray());
    }

    private String order() {
      StringBuilder sb = new StringBuilder();
      for (int k : kinds) {
        sb.append(KIND[k]).append(" > ");
      }
      return sb.append("call").toString();
    }
  }
}
