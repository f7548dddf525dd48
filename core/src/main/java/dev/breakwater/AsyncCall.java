package dev.breakwater;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.function.BiConsumer;

/**
 * The stage returned by {@link CircuitBreaker#callAsync}: completes with the operation's outcome
 * and reports that outcome, or a cancellation, to the breaker exactly once.
 *
 * <p>Whoever completes this future first (the operation's stage through {@link #accept}, or a
 * caller through {@link #complete}, {@link #completeExceptionally} or {@link #cancel}) first wins
 * the {@code reported} CAS; only the winner reports to the breaker, and it reports <em>before</em>
 * completing, so a dependent stage already sees the breaker's new state.
 */
final class AsyncCall<T> extends CompletableFuture<T> implements BiConsumer<T, Throwable> {
  private static final VarHandle REPORTED;
  private static final VarHandle SOURCE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      REPORTED = lookup.findVarHandle(AsyncCall.class, "reported", int.class);
      SOURCE = lookup.findVarHandle(AsyncCall.class, "source", Future.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final CircuitBreaker breaker;
  private final long permit;
  /** {@link CircuitBreaker#startTiming()} at the start of the call. */
  private final long start;
  @SuppressWarnings("unused") // accessed through REPORTED
  private volatile int reported;
  @SuppressWarnings("unused") // accessed through SOURCE
  private volatile Future<?> source;

  AsyncCall(CircuitBreaker breaker, long permit, long start) {
    this.breaker = breaker;
    this.permit = permit;
    this.start = start;
  }

  /** Wins the right to report; true exactly once. */
  private boolean claim() {
    return REPORTED.compareAndSet(this, 0, 1);
  }

  /**
   * Connects the operation's stage. Runs before {@code callAsync} returns this future, so no
   * caller can have cancelled it yet; {@code source} is volatile so that a {@link #cancel} on a
   * thread that received this future through a data race still sees it.
   */
  void attach(CompletionStage<T> stage) {
    if (stage instanceof Future) {
      SOURCE.setVolatile(this, (Future<?>) stage);
    }
    try {
      stage.whenComplete(this);
    } catch (Throwable brokenStage) {
      // A stage that cannot even register a callback will never report: its call failed. Report
      // it now (if nothing else has) so the permit is not held forever, and fail this future.
      accept(null, brokenStage);
    }
  }

  /** The operation's stage completed. */
  @Override
  public void accept(T value, Throwable failure) {
    if (!claim()) {
      return; // a caller completed or cancelled first and already released the permit
    }
    if (failure == null) {
      try {
        breaker.onResult(permit, value, start);
      } catch (Throwable classifierFailure) {
        super.completeExceptionally(classifierFailure);
        return;
      }
      super.complete(value);
    } else {
      breaker.onThrowable(permit, unwrap(failure), start);
      super.completeExceptionally(failure);
    }
  }

  @Override
  public boolean complete(T value) {
    if (!claim()) {
      return false;
    }
    try {
      breaker.onResult(permit, value, start);
    } catch (Throwable classifierFailure) {
      return super.completeExceptionally(classifierFailure);
    }
    return super.complete(value);
  }

  @Override
  public boolean completeExceptionally(Throwable failure) {
    if (failure == null) {
      throw new NullPointerException("failure");
    }
    if (!claim()) {
      return false;
    }
    breaker.onThrowable(permit, unwrap(failure), start);
    return super.completeExceptionally(failure);
  }

  /**
   * Runs {@code supplier} on {@code executor} and completes this future with its result through
   * {@link #complete} (or {@link #completeExceptionally}), so the outcome is reported like any
   * other completion. ({@code CompletableFuture}'s own implementation completes the future
   * internally, which would bypass the report.)
   */
  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    if (supplier == null || executor == null) {
      throw new NullPointerException(supplier == null ? "supplier" : "executor");
    }
    executor.execute(() -> {
      if (isDone()) {
        return;
      }
      T value;
      try {
        value = supplier.get();
      } catch (Throwable t) {
        completeExceptionally(t);
        return;
      }
      complete(value);
    });
    return this;
  }

  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
    return completeAsync(supplier, defaultExecutor());
  }

  /**
   * Forces the value; if the call's outcome was not reported yet, it is reported first as this
   * result (so the permit is never held by a future that is already complete).
   */
  @Override
  public void obtrudeValue(T value) {
    if (claim()) {
      try {
        breaker.onResult(permit, value, start);
      } catch (Throwable classifierFailure) {
        // the permit was released uncounted; the obtruded value stands, as asked
      }
    }
    super.obtrudeValue(value);
  }

  /** Forces the failure; reports it first if the call's outcome was not reported yet. */
  @Override
  public void obtrudeException(Throwable failure) {
    if (failure == null) {
      throw new NullPointerException("failure");
    }
    if (claim()) {
      breaker.onThrowable(permit, unwrap(failure), start);
    }
    super.obtrudeException(failure);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!claim()) {
      return false;
    }
    breaker.releaseUncounted(permit); // the caller's decision, not the dependency's failure
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    Future<?> future = (Future<?>) SOURCE.getVolatile(this);
    if (future != null) {
      try {
        future.cancel(mayInterruptIfRunning);
      } catch (RuntimeException notCancellable) {
        // e.g. CompletableFuture.minimalCompletionStage(): a Future that refuses cancel(); the
        // permit is already released and its late outcome will be ignored
      }
    }
    return cancelled;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
