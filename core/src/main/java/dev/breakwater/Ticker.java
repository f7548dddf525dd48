package dev.breakwater;

/**
 * A source of nanosecond time, read only to measure elapsed time.
 *
 * <p>Values have no fixed origin; only the difference between two reads means anything, as with
 * {@link System#nanoTime()}. Tests pass a fake ticker to {@link
 * CircuitBreakerConfig.Builder#ticker(Ticker)} to move time by hand instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Returns the current time in nanoseconds from an arbitrary origin.
   *
   * @return the current tick, comparable only by subtraction with other reads of this ticker
   */
  long read();

  /**
   * Returns the ticker backed by {@link System#nanoTime()}.
   *
   * @return the system ticker
   */
  static Ticker systemTicker() {
    return SystemTicker.INSTANCE;
  }

  /**
   * Returns the JVM-wide cached ticker: {@link System#nanoTime()} refreshed every millisecond by
   * one shared daemon thread, read in about a nanosecond. Durations it measures are off by up to
   * a millisecond either way (see {@link CachedTicker}); the default stays
   * {@link #systemTicker()}, which starts no thread.
   *
   * @return the shared 1 ms cached ticker
   */
  static CachedTicker cached() {
    return CachedTicker.shared();
  }

  /**
   * Returns a cached ticker refreshed at {@code resolution} by the same shared thread as
   * {@link #cached()} (see {@link CachedTicker}).
   *
   * @param resolution how often to refresh, in [10 us, 1 s]
   * @return a new cached ticker
   * @throws NullPointerException if {@code resolution} is null
   * @throws IllegalArgumentException if {@code resolution} is out of range
   */
  static CachedTicker cached(java.time.Duration resolution) {
    return CachedTicker.create(resolution);
  }
}

/** {@link System#nanoTime()} as a {@link Ticker}; a single instance keeps the call site monomorphic. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
