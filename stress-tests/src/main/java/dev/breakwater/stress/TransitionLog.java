package dev.breakwater.stress;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.StateChangeListener;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Counts the listener calls of a breaker, per (from, to) pair. The breaker promises one call per
 * transition, made by the thread whose CAS won; two calls for one transition (or none) is exactly
 * the double-open / lost-transition bug these tests look for.
 */
public final class TransitionLog implements StateChangeListener {
  private static final int STATES = State.values().length;
  private final AtomicIntegerArray counts = new AtomicIntegerArray(STATES * STATES);

  /**
   * Registers a new log on {@code breaker}; only transitions made afterwards are counted.
   *
   * @param breaker the breaker to watch
   * @return the log
   */
  public static TransitionLog on(CircuitBreaker breaker) {
    TransitionLog log = new TransitionLog();
    breaker.onStateChange(log);
    return log;
  }

  @Override
  public void onStateChange(CircuitBreaker breaker, State from, State to) {
    counts.incrementAndGet(from.ordinal() * STATES + to.ordinal());
  }

  /**
   * Calls seen for one kind of transition.
   *
   * @param from the state left
   * @param to the state entered
   * @return how many listener calls reported {@code from -> to}
   */
  public int count(State from, State to) {
    return counts.get(from.ordinal() * STATES + to.ordinal());
  }

  /**
   * Calls seen in all.
   *
   * @return the number of listener calls
   */
  public int total() {
    int sum = 0;
    for (int i = 0; i < counts.length(); i++) {
      sum += counts.get(i);
    }
    return sum;
  }
}
