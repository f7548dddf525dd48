package dev.breakwater;

/**
 * Told about each state change of a {@link CircuitBreaker}, exactly once per change.
 *
 * <p>A listener is called on the thread that made the transition, after the new state is already
 * visible to every other thread, and never from inside a retry loop. Listeners registered on one
 * breaker are called in registration order. Two transitions made by different threads in quick
 * succession may be announced concurrently, so a listener that keeps state must be thread-safe
 * and must not assume that {@code from} equals the {@code to} of the previous call it saw.
 *
 * <p>A listener that throws is logged (at {@code WARNING}) and otherwise ignored: it cannot
 * affect the breaker, the call that triggered the transition, or the other listeners.
 */
@FunctionalInterface
public interface StateChangeListener {

  /**
   * Called after {@code breaker} moved from {@code from} to {@code to}.
   *
   * @param breaker the breaker that changed state
   * @param from the state it left
   * @param to the state it entered
   */
  void onStateChange(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to);
}
