package dev.breakwater;

/**
 * A snapshot of a breaker's sliding window, read without locking (see
 * {@link CircuitBreaker#metrics()}).
 *
 * <p>The three counts are read together from one atomic word (count-based windows) or summed
 * over the buckets (time-based windows); see {@code core/DESIGN.md} for what is exact. While the
 * breaker is OPEN or HALF_OPEN, the snapshot shows the window of the CLOSED period that opened it,
 * frozen as it stood at its last recorded call (a time window does not age while the breaker is
 * open; outcomes of calls that were still in flight when it opened may still arrive in it); once
 * it is CLOSED again, or after {@link CircuitBreaker#reset()}, it shows the new period's window,
 * which starts empty.
 */
public final class WindowMetrics {
  private final SlidingWindowType type;
  private final int calls;
  private final int failedCalls;
  private final int slowCalls;
  private final int minimumNumberOfCalls;

  /** Counts are clamped to [0, calls]: mid-update sums may be transiently out of range. */
  WindowMetrics(SlidingWindowType type, long calls, long failed, long slow,
      int minimumNumberOfCalls) {
    this.type = type;
    this.calls = (int) Math.max(0, Math.min(Integer.MAX_VALUE, calls));
    this.failedCalls = (int) Math.max(0, Math.min(this.calls, failed));
    this.slowCalls = (int) Math.max(0, Math.min(this.calls, slow));
    this.minimumNumberOfCalls = minimumNumberOfCalls;
  }

  /**
   * The window's kind, or {@code null} for a breaker that counts consecutive failures.
   *
   * @return the window type
   */
  public SlidingWindowType type() {
    return type;
  }

  /**
   * Calls recorded in the window.
   *
   * @return the number of calls
   */
  public int calls() {
    return calls;
  }

  /**
   * Failed calls recorded in the window.
   *
   * @return the number of failed calls
   */
  public int failedCalls() {
    return failedCalls;
  }

  /**
   * Calls slower than the slow-call threshold recorded in the window (0 when slow calls are not
   * detected).
   *
   * @return the number of slow calls
   */
  public int slowCalls() {
    return slowCalls;
  }

  /**
   * Whether the window has the minimum number of calls for a verdict.
   *
   * @return {@code calls() >= minimumNumberOfCalls}
   */
  public boolean hasEnoughCalls() {
    return type != null && calls >= minimumNumberOfCalls;
  }

  /**
   * The failure rate in percent, or {@code -1} when there are not enough calls yet.
   *
   * @return a percentage in [0, 100], or -1
   */
  public double failureRate() {
    return hasEnoughCalls() ? 100.0 * failedCalls / calls : -1;
  }

  /**
   * The slow-call rate in percent, or {@code -1} when there are not enough calls yet.
   *
   * @return a percentage in [0, 100], or -1
   */
  public double slowCallRate() {
    return hasEnoughCalls() ? 100.0 * slowCalls / calls : -1;
  }

  @Override
  public String toString() {
    return "WindowMetrics{type=" + type + ", calls=" + calls + ", failed=" + failedCalls
        + ", slow=" + slowCalls + ", failureRate=" + failureRate() + ", slowCallRate="
        + slowCallRate() + "}";
  }
}
