package dev.breakwater;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Caps the number of calls running at once: a lock-free permit counter, immediate rejection with
 * {@link BulkheadFullException}, or an optional bounded wait for a permit.
 *
 * <pre>{@code
 * Bulkhead bulkhead = Bulkhead.of("orders", 20);                 // at most 20 at once
 * Bulkhead patient = Bulkhead.builder("orders").maxConcurrentCalls(20)
 *     .maxWait(Duration.ofMillis(50)).build();                   // or wait up to 50 ms
 * String r = bulkhead.call(() -> client.send(order));
 * }</pre>
 *
 * <h2>Algorithm</h2>
 * One {@code int} counts the calls running. Acquiring is a CAS loop that increments it while it is
 * below the limit (retried only when another thread changed it, i.e. made progress); releasing is
 * one atomic decrement. The count never exceeds the limit: every increment is a CAS from a value
 * read below it.
 *
 * <p>Waiting (only with {@code maxWait > 0}) parks the thread with {@link LockSupport#parkNanos}:
 * no monitor and no lock, so a waiting virtual thread unmounts instead of pinning its
 * carrier. A waiter enqueues itself and then re-tries the counter; a releaser decrements the
 * counter and then wakes the first waiter. Both steps are volatile, so at least one of the two
 * sees the other (a waiter cannot sleep through the only release), and every wait is bounded by
 * {@code maxWait} anyway. Waiters are woken in arrival order but a running thread may take a freed
 * permit first (no fairness guarantee, as {@code Semaphore}'s non-fair mode).
 *
 * <p>Permits are not tied to threads: {@link #release()} may run on another thread (async
 * calls). Release exactly once per successful {@link #tryAcquire()}; the high-level methods do.
 */
public final class Bulkhead {
  private static final VarHandle RUNNING;

  static {
    try {
      RUNNING = MethodHandles.lookup().findVarHandle(Bulkhead.class, "running", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The largest limit: {@value}. */
  public static final int MAX_CONCURRENT_CALLS = 1 << 30;

  private final String name;
  private final int limit;
  private final long maxWaitNanos;
  /** Calls running now; 0..limit. */
  @SuppressWarnings("unused") // accessed through RUNNING
  private volatile int running;
  /** Threads waiting for a permit (only with maxWait > 0); created on first wait. */
  private final ConcurrentLinkedQueue<Thread> waiters;

  private Bulkhead(Builder b) {
    this.name = b.name;
    this.limit = b.maxConcurrentCalls;
    this.maxWaitNanos = b.maxWait.toNanos();
    this.waiters = maxWaitNanos > 0 ? new ConcurrentLinkedQueue<>() : null;
  }

  /**
   * A bulkhead that rejects at once when {@code maxConcurrentCalls} calls are running.
   *
   * @param name a name for exceptions and {@link Pipeline#describe()}, non-null
   * @param maxConcurrentCalls in [1, {@value #MAX_CONCURRENT_CALLS}]
   * @return a new bulkhead
   */
  public static Bulkhead of(String name, int maxConcurrentCalls) {
    return builder(name).maxConcurrentCalls(maxConcurrentCalls).build();
  }

  /**
   * Returns a builder: 25 concurrent calls and no waiting unless set.
   *
   * @param name a name for exceptions and {@link Pipeline#describe()}, non-null
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Takes a permit if one is free, without waiting.
   *
   * @return whether a permit was taken; if so, {@link #release()} it exactly once
   */
  public boolean tryAcquire() {
    // CAS loop: retried only when another thread took or released a permit meanwhile.
    for (;;) {
      int n = (int) RUNNING.getVolatile(this);
      if (n >= limit) {
        return false;
      }
      if (RUNNING.compareAndSet(this, n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Takes a permit, waiting up to {@code maxWait} for one (not at all without a maxWait).
   *
   * @return whether a permit was taken; if so, {@link #release()} it exactly once
   * @throws InterruptedException if interrupted while waiting (no permit is then held)
   */
  public boolean acquire() throws InterruptedException {
    if (tryAcquire()) {
      return true;
    }
    if (maxWaitNanos <= 0) {
      return false;
    }
    return awaitPermit();
  }

  private boolean awaitPermit() throws InterruptedException {
    final Thread me = Thread.currentThread();
    final long deadline = System.nanoTime() + maxWaitNanos;
    waiters.add(me);
    try {
      for (;;) {
        // Re-try after enqueueing: a release that happened before the enqueue is seen here, one
        // after it will unpark this thread (see the class comment).
        if (tryAcquire()) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted waiting for bulkhead '" + name + "'");
        }
      }
    } finally {
      waiters.remove(me);
    }
  }

  /** Returns a permit taken by {@link #tryAcquire()} or {@link #acquire()}. */
  public void release() {
    // CAS loop (retried only when another thread changed the count): never below zero, so a
    // surplus release (a caller's bug) cannot make room for an extra call.
    for (;;) {
      int n = (int) RUNNING.getVolatile(this);
      if (n <= 0) {
        throw new IllegalStateException(
            "bulkhead '" + name + "' released more often than acquired");
      }
      if (RUNNING.compareAndSet(this, n, n - 1)) {
        break;
      }
    }
    ConcurrentLinkedQueue<Thread> q = waiters;
    if (q != null) {
      Thread first = q.peek();
      if (first != null) {
        LockSupport.unpark(first);
      }
    }
  }

  /**
   * Runs {@code operation} holding a permit.
   *
   * @param <T> the result type
   * @param operation the call
   * @return its result
   * @throws BulkheadFullException if no permit was free (within {@code maxWait})
   * @throws Exception whatever {@code operation} threw
   */
  public <T> T call(Callable<? extends T> operation) throws Exception {
    Objects.requireNonNull(operation, "operation must not be null");
    if (!acquire()) {
      throw full();
    }
    try {
      return operation.call();
    } finally {
      release();
    }
  }

  /**
   * Starts {@code operation} holding a permit, released when its stage completes (or is
   * cancelled through the returned stage). Never waits: with no free permit the returned stage
   * fails with {@link BulkheadFullException} at once.
   *
   * @param <T> the result type
   * @param operation starts the call; run at most once, on the calling thread
   * @return a stage that completes like the operation's
   */
  public <T> CompletableFuture<T> callAsync(
      Supplier<? extends CompletionStage<? extends T>> operation) {
    Objects.requireNonNull(operation, "operation must not be null");
    if (!tryAcquire()) {
      return CompletableFuture.failedFuture(full());
    }
    return Stages.guard(operation, this::release);
  }

  BulkheadFullException full() {
    return new BulkheadFullException(name, limit);
  }

  /**
   * Calls running now.
   *
   * @return the number of permits held, 0..{@link #maxConcurrentCalls()}
   */
  public int runningCalls() {
    return (int) RUNNING.getVolatile(this);
  }

  /**
   * Permits free now.
   *
   * @return {@code maxConcurrentCalls() - runningCalls()}
   */
  public int availablePermits() {
    return limit - runningCalls();
  }

  /**
   * The limit.
   *
   * @return the maximum number of concurrent calls
   */
  public int maxConcurrentCalls() {
    return limit;
  }

  /**
   * How long {@link #acquire()} waits for a permit.
   *
   * @return the maximum wait, {@link Duration#ZERO} for none
   */
  public Duration maxWait() {
    return Duration.ofNanos(maxWaitNanos);
  }

  /**
   * The name given at creation.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "Bulkhead '" + name + "' (" + limit + (maxWaitNanos > 0 ? ", wait " + maxWait() : "")
        + ")";
  }

  /** Builds a {@link Bulkhead}. */
  public static final class Builder {
    private final String name;
    private int maxConcurrentCalls = 25;
    private Duration maxWait = Duration.ZERO;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name must not be null");
    }

    /**
     * How many calls may run at once.
     *
     * @param maxConcurrentCalls in [1, {@value Bulkhead#MAX_CONCURRENT_CALLS}]; default 25
     * @return this builder
     */
    public Builder maxConcurrentCalls(int maxConcurrentCalls) {
      if (maxConcurrentCalls < 1 || maxConcurrentCalls > MAX_CONCURRENT_CALLS) {
        throw new IllegalArgumentException("maxConcurrentCalls must be in [1, "
            + MAX_CONCURRENT_CALLS + "]: " + maxConcurrentCalls);
      }
      this.maxConcurrentCalls = maxConcurrentCalls;
      return this;
    }

    /**
     * How long a synchronous call waits for a permit before {@link BulkheadFullException}.
     * Asynchronous calls never wait.
     *
     * @param maxWait in [0, 1 hour]; default 0 (reject at once)
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait must not be null");
      if (maxWait.isNegative() || maxWait.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("maxWait must be in [0, PT1H]: " + maxWait);
      }
      this.maxWait = maxWait;
      return this;
    }

    /**
     * Builds the bulkhead.
     *
     * @return a new bulkhead with no call running
     */
    public Bulkhead build() {
      return new Bulkhead(this);
    }
  }
}
