package dev.breakwater;

/**
 * Where a breaker's call latencies go when its statistics record latency: by default a striped
 * counter inside the breaker ({@link CircuitBreakerConfig.Builder#recordLatency()}); with
 * {@link CircuitBreakerConfig.Builder#recordLatency(Factory)}, a recorder of your own, such as a
 * metrics library's timer, so that latency is measured once and kept in one place (the
 * breaker's {@link CircuitBreakerStats} then reads it from there, and keeps no copy).
 *
 * <p>{@link #record} is called on the caller's thread once per timed call, after the call: it
 * must be thread-safe, must not block, and should not allocate. If it throws, the exception is
 * dropped: the breaker's state and the call's outcome are not affected.
 */
public interface LatencyRecorder {

  /**
   * Records one timed call.
   *
   * @param nanos its duration, at least 0
   */
  void record(long nanos);

  /**
   * Calls recorded so far.
   *
   * @return the count
   */
  long count();

  /**
   * Their summed duration.
   *
   * @return nanoseconds
   */
  long totalNanos();

  /** Makes the recorder of each breaker created with a config. */
  @FunctionalInterface
  interface Factory {

    /**
     * The recorder for one breaker.
     *
     * @param breakerName the breaker's name
     * @return its recorder, non-null
     */
    LatencyRecorder create(String breakerName);
  }
}
