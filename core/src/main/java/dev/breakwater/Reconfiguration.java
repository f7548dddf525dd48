package dev.breakwater;

/**
 * What a breaker keeps, and what it starts afresh, when its config is replaced in place
 * ({@link CircuitBreakerRegistry#reconfigure}). The breaker applies the result; this class only
 * decides.
 *
 * <h2>What carries over</h2>
 * <ul>
 *   <li><b>The state word, untouched</b>: state, generation (so permits handed out before stay
 *       valid and their outcomes count), backoff level, probes in flight and their successes,
 *       consecutive failures, an operator's hold. The word carries the unit of its own time
 *       fields, so an OPEN breaker keeps the deadline it had: the new open timeout applies from
 *       its next opening. A backoff level above the new config's top level counts as the top.
 *   <li><b>The sliding window</b> when the new config has the same shape (same type, and same
 *       size, or the same bucket length): its counts stay and the new thresholds (minimum calls,
 *       failure and slow-call rates) judge them from the next outcome on. A different shape, or
 *       a change between counting consecutive failures and a window, starts an empty window (or
 *       none); the consecutive-failure count is zeroed when that counting mode changes.
 *   <li><b>Statistics</b> while both configs record them (a new latency recorder factory is
 *       asked for a new recorder; the counts stay). Turned on: they start at zero. Turned off:
 *       they are dropped, and {@code stats()} says it is not recording.
 *   <li>Listeners, the name, and the breaker's identity: every holder of the breaker sees the
 *       change.
 * </ul>
 * Thresholds the word is compared with (failure threshold, success threshold, probe limit)
 * apply at the next decision: a breaker with more consecutive failures than a lowered threshold
 * opens at its next failure, not at the reconfiguration. A call whose decision was under way
 * when the config changed may still be judged by the old one.
 *
 * <p>The ticker cannot change to one with another time base: times in the word (an OPEN
 * deadline) would be read against a different clock. {@link Ticker#systemTicker()} and every
 * {@link CachedTicker} share {@link System#nanoTime()}'s base and may replace each other.
 */
final class Reconfiguration {
  private Reconfiguration() {}

  /**
   * Checks that {@code next} can replace {@code prev} in place.
   *
   * @throws IllegalArgumentException if the tickers have different time bases
   */
  static void check(String name, CircuitBreakerConfig prev, CircuitBreakerConfig next) {
    if (prev.ticker != next.ticker && !(onNanoTime(prev.ticker) && onNanoTime(next.ticker))) {
      throw new IllegalArgumentException("config of breaker '" + name + "' must keep the ticker's"
          + " time base (the same ticker, or the system ticker and cached tickers): "
          + prev.ticker + " -> " + next.ticker);
    }
  }

  private static boolean onNanoTime(Ticker t) {
    return t == Ticker.systemTicker() || t instanceof CachedTicker;
  }

  /** The window that serves {@code next}: {@code current}, retuned, if its shape fits. */
  static SlidingWindow window(SlidingWindow current, CircuitBreakerConfig next) {
    if (current != null && current.hasShapeOf(next)) {
      current.retune(next);
      return current;
    }
    return next.newWindow();
  }

  /** Whether the consecutive-failure count must be zeroed: the counting mode changed. */
  static boolean zeroesFailures(SlidingWindow before, SlidingWindow after) {
    return before != after && (before == null || after == null);
  }

  /**
   * The statistics that serve {@code next}: {@code current} if it has some (with a recorder
   * from {@code next}'s latency recorder factory, asked again only when the factory changed),
   * fresh ones if it has none, none if {@code next} keeps none. Idempotent.
   */
  static CallStats stats(String name, CallStats current, CircuitBreakerConfig next) {
    if (!next.recordsStats) {
      return null;
    }
    if (current == null) {
      return newStats(name, next);
    }
    if (current.latencyFactory != next.latencyRecorders) {
      current.latency = recorder(name, next);
      current.latencyFactory = next.latencyRecorders;
    }
    return current;
  }

  static CallStats newStats(String name, CircuitBreakerConfig c) {
    return c.recordsStats ? new CallStats(recorder(name, c), c.latencyRecorders) : null;
  }

  private static LatencyRecorder recorder(String name, CircuitBreakerConfig c) {
    return c.latencyRecorders == null ? null : java.util.Objects.requireNonNull(
        c.latencyRecorders.create(name), "the latency recorder factory returned null");
  }
}
