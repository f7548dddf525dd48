package dev.breakwater;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Bounds how long a caller waits for a call.
 *
 * <pre>{@code
 * Timeout t = Timeout.of(Duration.ofMillis(500));                       // async, or sync on JDK 21+
 * Timeout onJdk17 = Timeout.builder(Duration.ofMillis(500)).executor(pool).build();
 * }</pre>
 *
 * <h2>Asynchronous calls</h2>
 * {@link #callAsync} returns a future that fails with {@link TimeoutException} when the call's
 * stage has not completed in time, and cancels that stage. No thread waits: the timeout fires
 * from a {@link Scheduler}.
 *
 * <h2>Synchronous calls, and what happens to work that ignores interruption</h2>
 * A synchronous call cannot be stopped from outside, so {@link #call} runs it where it can be
 * <em>abandoned</em>: on a new virtual thread (JDK 21 and later, found at run time), or on the
 * {@link java.util.concurrent.ExecutorService} given to the builder (required on JDK 17). The
 * caller waits for the result or the timeout, whichever comes first; on timeout the caller gets
 * {@link TimeoutException} at once and the call's thread is interrupted. Code that responds to
 * interruption (blocking I/O on virtual threads, {@code Thread.sleep}, {@code Lock}s, most JDK
 * clients) stops; code that ignores it <b>keeps running to its end on that thread</b>, its result
 * discarded. The caller is never held past the timeout either way; the abandoned work still
 * consumes its thread (and, with a pool, a pool thread) until it finishes. Bound it with a
 * {@link Bulkhead} outside the timeout if that matters.
 */
public final class Timeout {
  private static final ExecutorService VIRTUAL = virtualThreadExecutor();

  private final long nanos;
  private final ExecutorService executor;
  private final Scheduler scheduler;

  private Timeout(Builder b) {
    this.nanos = b.timeout.toNanos();
    this.executor = b.executor;
    this.scheduler = b.scheduler;
  }

  /**
   * A timeout of {@code timeout}, synchronous calls on virtual threads (JDK 21+).
   *
   * @param timeout in [1 ms, 1 day]
   * @return a new timeout policy
   */
  public static Timeout of(Duration timeout) {
    return builder(timeout).build();
  }

  /**
   * Returns a builder.
   *
   * @param timeout in [1 ms, 1 day]
   * @return a new builder
   */
  public static Builder builder(Duration timeout) {
    return new Builder(timeout);
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()} on JDK 21+, else null. */
  private static ExecutorService virtualThreadExecutor() {
    try {
      Method m = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException notOnThisJdk) {
      return null;
    }
  }

  /**
   * Whether synchronous calls can run without an executor here (JDK 21+: virtual threads).
   *
   * @return true if {@link #of} can time out synchronous calls on this JVM
   */
  public static boolean virtualThreadsAvailable() {
    return VIRTUAL != null;
  }

  /**
   * Runs {@code operation} on an abandonable thread and waits at most the timeout for it (see
   * the class comment).
   *
   * @param <T> the result type
   * @param operation the call
   * @return its result
   * @throws TimeoutException if it did not complete in time (it is interrupted and abandoned)
   * @throws InterruptedException if the caller is interrupted while waiting (the call is
   *     interrupted too)
   * @throws Exception whatever {@code operation} threw, unchanged
   */
  public <T> T call(Callable<? extends T> operation) throws Exception {
    Objects.requireNonNull(operation, "operation must not be null");
    ExecutorService e = executor != null ? executor : VIRTUAL;
    if (e == null) {
      throw new IllegalStateException("a synchronous timeout needs a thread to abandon: on JDK "
          + Runtime.version().feature() + " give one with Timeout.builder(timeout).executor(...)"
          + " (JDK 21+ uses virtual threads)");
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    // The timer first: the timeout counts from before the call is handed over, and the timer
    // exists whenever the call has started.
    Scheduler.Cancellable timer = scheduler.schedule(
        () -> done.completeExceptionally(timeoutException()), nanos);
    final Future<?> task;
    try {
      task = e.submit(() -> {
        try {
          done.complete(operation.call());
        } catch (Throwable t) {
          done.completeExceptionally(t);
        }
      });
    } catch (RuntimeException rejected) {
      timer.cancel();
      throw rejected;
    }
    try {
      return done.get();
    } catch (ExecutionException ex) {
      Throwable cause = ex.getCause();
      if (cause instanceof TimeoutException) {
        task.cancel(true); // interrupt the abandoned call; it may ignore it (class comment)
      }
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw (Error) cause;
    } catch (InterruptedException ex) {
      task.cancel(true);
      throw ex;
    } finally {
      timer.cancel();
    }
  }

  /**
   * Starts {@code operation} and fails the returned future with {@link TimeoutException} if its
   * stage has not completed in time, cancelling that stage. Cancelling the returned future
   * cancels the stage too.
   *
   * @param <T> the result type
   * @param operation starts the call, on this thread
   * @return a future of the call's outcome or of the timeout
   */
  public <T> CompletableFuture<T> callAsync(
      Supplier<? extends CompletionStage<? extends T>> operation) {
    Objects.requireNonNull(operation, "operation must not be null");
    CompletableFuture<T> out = Stages.start(operation);
    if (out.isDone()) {
      return out;
    }
    Scheduler.Cancellable timer = scheduler.schedule(
        () -> out.completeExceptionally(timeoutException()), nanos);
    out.whenComplete((v, t) -> timer.cancel());
    return out;
  }

  private TimeoutException timeoutException() {
    return new TimeoutException("call timed out after " + Duration.ofNanos(nanos));
  }

  /**
   * The timeout.
   *
   * @return how long a caller waits at most
   */
  public Duration timeout() {
    return Duration.ofNanos(nanos);
  }

  @Override
  public String toString() {
    return "Timeout(" + timeout() + (executor != null ? ", on an executor" : "") + ")";
  }

  /** Builds a {@link Timeout}. */
  public static final class Builder {
    private final Duration timeout;
    private ExecutorService executor;
    private Scheduler scheduler = Scheduler.system();

    private Builder(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout must not be null");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("timeout must be in [PT0.001S, PT24H]: " + timeout);
      }
      this.timeout = timeout;
    }

    /**
     * Where synchronous calls run (and are abandoned on timeout). Required on JDK 17; on JDK
     * 21+ the default is a new virtual thread per call.
     *
     * @param executor non-null; not shut down by the timeout
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * What fires the timeouts.
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
     * @return a new, immutable timeout policy
     */
    public Timeout build() {
      return new Timeout(this);
    }
  }
}
