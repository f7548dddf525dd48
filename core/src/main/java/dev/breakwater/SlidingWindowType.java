package dev.breakwater;

/**
 * The kinds of sliding window a breaker can trip on, instead of consecutive failures.
 *
 * @see CircuitBreakerConfig.Builder#slidingWindow(SlidingWindowType, int)
 * @see CircuitBreakerConfig.Builder#slidingWindow(SlidingWindowType, java.time.Duration)
 */
public enum SlidingWindowType {
  /** The outcomes of the last {@code n} calls. */
  COUNT_BASED,
  /**
   * The outcomes of the calls of the last duration, kept in {@value TimeWindow#BUCKETS} buckets
   * of a tenth of the window each: the window slides a bucket at a time.
   */
  TIME_BASED
}
