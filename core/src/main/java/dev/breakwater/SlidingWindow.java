package dev.breakwater;

/**
 * The failure-rate policy of a breaker: records the outcomes of CLOSED-state calls and says when
 * their rates call for opening. The breaker owns the decision itself: it opens with a single CAS
 * on its word, from the exact CLOSED generation the outcome was admitted in.
 *
 * <p>A window keeps the outcomes of one CLOSED generation at a time. The first outcome recorded
 * for a newer generation replaces the previous generation's state wholesale (one allocation per
 * CLOSED period, none per call), so outcomes of an earlier period can never be counted in a later
 * one: a recorder that is late writes into an object that is no longer reachable from the window.
 */
abstract class SlidingWindow {
  final int minimumCalls;
  final int failurePercent;
  /** 0 when slow calls are not detected. */
  final int slowPercent;

  SlidingWindow(CircuitBreakerConfig c) {
    this.minimumCalls = c.minimumNumberOfCalls();
    this.failurePercent = c.failureRateThreshold();
    this.slowPercent = c.slowCallDurationThreshold() == null ? 0 : c.slowCallRateThreshold();
  }

  /**
   * Records one outcome of a call admitted in CLOSED generation {@code generation}.
   *
   * @param generation the generation of the call's permit; the caller checked it was current
   * @param outcome {@link WindowTotals#PRESENT} plus FAILED and SLOW bits
   * @param now a ticker reading, for time-based windows
   * @return whether the window's totals now call for opening
   */
  abstract boolean record(int generation, int outcome, long now);

  /** Whether {@link #record} needs {@code now}. */
  abstract boolean needsClock();

  /**
   * A snapshot of the window as of {@code now}: the calls of CLOSED generation
   * {@code generation} (none if nothing was recorded in it yet), or, for {@code generation < 0},
   * those of the latest generation the window recorded (the window that opened the breaker, while
   * it is not CLOSED).
   */
  abstract WindowMetrics metrics(int generation, long now);

  abstract SlidingWindowType type();

  /** True if generation {@code a} is newer than {@code b} (16-bit, compared modulo 2^16). */
  static boolean isNewer(int a, int b) {
    int d = (a - b) & (int) BreakerWord.GENERATION_MASK;
    return d != 0 && d < (1 << (BreakerWord.GENERATION_BITS - 1));
  }
}
