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
}

/** {@link System#nanoTime()} as a {@link Ticker}; a single instance keeps the call site monomorphic. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
