package dev.breakwater.bench;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The textbook circuit breaker every tutorial shows: plain fields guarded by the object's
 * monitor, every method {@code synchronized}. It is the baseline a reader would write by hand, so
 * the benchmarks can show what the lock costs, alone and under contention.
 *
 * <p>Semantics follow Breakwater's where a comparison needs them: {@code failureThreshold}
 * consecutive failures open it; after {@code openTimeoutNanos} the next caller becomes the first
 * HALF_OPEN probe; at most {@code halfOpenMaxCalls} probes are in flight; {@code
 * successThreshold} successes close it and any probe failure re-opens it. There are no permits
 * or generations, no listeners and no backoff: a late report from an earlier state is simply
 * counted against the current one, as in most hand-written breakers.
 *
 * <p>The rejection of the high-level {@link #call(Supplier)} throws a fresh
 * {@link IllegalStateException} with its stack trace, as tutorials do.
 */
public final class SynchronizedCircuitBreaker {

  /** The states. */
  public enum State {
    /** Calls flow. */
    CLOSED,
    /** Calls are rejected until the open timeout passes. */
    OPEN,
    /** A limited number of probes are admitted. */
    HALF_OPEN
  }

  private final int failureThreshold;
  private final int successThreshold;
  private final int halfOpenMaxCalls;
  private final long openTimeoutNanos;
  private final LongSupplier clock;

  private State state = State.CLOSED;
  private int failures;
  private int successes;
  private int probes;
  private long openedAt;

  /**
   * Creates a CLOSED breaker.
   *
   * @param failureThreshold consecutive failures that open it
   * @param successThreshold HALF_OPEN successes that close it
   * @param halfOpenMaxCalls probes allowed in flight in HALF_OPEN
   * @param openTimeoutNanos how long it stays OPEN
   * @param clock nanosecond time source, e.g. {@code System::nanoTime}
   */
  public SynchronizedCircuitBreaker(int failureThreshold, int successThreshold,
      int halfOpenMaxCalls, long openTimeoutNanos, LongSupplier clock) {
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
    this.halfOpenMaxCalls = halfOpenMaxCalls;
    this.openTimeoutNanos = openTimeoutNanos;
    this.clock = clock;
  }

  /**
   * Asks to make a call.
   *
   * @return whether the call may be made; if so, report it with {@link #onSuccess()} or
   *     {@link #onFailure()}
   */
  public synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.getAsLong() - openedAt < openTimeoutNanos) {
          return false;
        }
        state = State.HALF_OPEN;
        successes = 0;
        probes = 1;
        return true;
      default:
        if (probes < halfOpenMaxCalls) {
          probes++;
          return true;
        }
        return false;
    }
  }

  /** Reports a successful call. */
  public synchronized void onSuccess() {
    if (state == State.CLOSED) {
      failures = 0;
    } else if (state == State.HALF_OPEN) {
      probes--;
      if (++successes >= successThreshold) {
        state = State.CLOSED;
        failures = 0;
      }
    }
  }

  /** Reports a failed call. */
  public synchronized void onFailure() {
    if (state == State.CLOSED) {
      if (++failures >= failureThreshold) {
        open();
      }
    } else if (state == State.HALF_OPEN) {
      open();
    }
  }

  /** Moves to HALF_OPEN with no probe in flight (an administrative transition). */
  public synchronized void transitionToHalfOpen() {
    state = State.HALF_OPEN;
    successes = 0;
    probes = 0;
  }

  /**
   * The current state.
   *
   * @return the state
   */
  public synchronized State state() {
    return state;
  }

  /**
   * Runs {@code operation} if admitted and records its outcome.
   *
   * @param <T> the result type
   * @param operation the protected call
   * @return what the operation returned
   * @throws IllegalStateException (with a stack trace) when the breaker rejects the call
   */
  public <T> T call(Supplier<T> operation) {
    if (!tryAcquire()) {
      throw new IllegalStateException("circuit breaker is " + state());
    }
    final T result;
    try {
      result = operation.get();
    } catch (RuntimeException | Error e) {
      onFailure();
      throw e;
    }
    onSuccess();
    return result;
  }

  private void open() { // caller holds the monitor
    state = State.OPEN;
    openedAt = clock.getAsLong();
    failures = 0;
  }
}
