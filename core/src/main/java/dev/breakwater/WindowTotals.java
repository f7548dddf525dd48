package dev.breakwater;

/**
 * The one place that knows how a count window's totals are packed into a {@code long}: three
 * signed 21-bit counters, so that a single {@code getAndAdd} updates all three atomically (time
 * windows keep three separate {@code long}s per bucket and share only {@link #exceeds}).
 *
 * <pre>
 *  63 62          42 41          21 20           0
 * +--+--------------+--------------+--------------+
 * |  |  slow (21)   |  failed (21) |  calls (21)  |
 * +--+--------------+--------------+--------------+
 * </pre>
 *
 * <p>The value is a mixed-radix number {@code calls + failed * 2^21 + slow * 2^42} whose digits
 * may be negative. Adding deltas is therefore plain {@code long} addition (commutative, so
 * concurrent {@code getAndAdd}s compose in any order), and {@link #calls}, {@link #failed} and
 * {@link #slow} decode each digit exactly, borrows included, as long as every true counter lies
 * in [-2^20, 2^20). A counter can be transiently negative only while an eviction has been
 * accounted for before the matching insertion (see {@code CountWindow}); callers clamp at zero.
 */
final class WindowTotals {
  private WindowTotals() {}

  static final int FIELD_BITS = 21;
  static final int FAILED_SHIFT = FIELD_BITS;
  static final int SLOW_SHIFT = 2 * FIELD_BITS;
  /** Counters stay below this in absolute value; buckets stop counting here. */
  static final int LIMIT = 1 << (FIELD_BITS - 1);

  static final long ONE_CALL = 1L;
  static final long ONE_FAILED = 1L << FAILED_SHIFT;
  static final long ONE_SLOW = 1L << SLOW_SHIFT;

  // outcome bits, as stored in a count window's slots
  static final int PRESENT = 1;
  static final int FAILED = 2;
  static final int SLOW = 4;

  /** The totals of one outcome (PRESENT, FAILED, SLOW bits); zero for an empty slot. */
  static long of(int outcome) {
    if ((outcome & PRESENT) == 0) {
      return 0;
    }
    return ONE_CALL
        + ((outcome & FAILED) != 0 ? ONE_FAILED : 0)
        + ((outcome & SLOW) != 0 ? ONE_SLOW : 0);
  }

  private static int low(long v) {
    return (int) ((v << (64 - FIELD_BITS)) >> (64 - FIELD_BITS));
  }

  static int calls(long v) {
    return low(v);
  }

  static int failed(long v) {
    return low((v - low(v)) >> FIELD_BITS);
  }

  static int slow(long v) {
    long rest = (v - low(v)) >> FIELD_BITS;
    return low((rest - low(rest)) >> FIELD_BITS);
  }

  /**
   * Whether totals {@code v} call for opening: at least {@code minCalls} calls, and a failure or
   * slow-call rate at or above its threshold (a percentage; exactly at the threshold opens).
   * Integer arithmetic: 50 failures of 100 calls against 50% opens.
   */
  static boolean exceeds(long v, int minCalls, int failurePercent, int slowPercent) {
    return exceeds(calls(v), failed(v), slow(v), minCalls, failurePercent, slowPercent);
  }

  /** {@link #exceeds(long, int, int, int)} for counts already decoded (and possibly summed). */
  static boolean exceeds(long calls, long failed, long slow, int minCalls, int failurePercent,
      int slowPercent) {
    if (calls < minCalls || calls <= 0) {
      return false;
    }
    return Math.max(0, failed) * 100 >= failurePercent * calls
        || (slowPercent > 0 && Math.max(0, slow) * 100 >= slowPercent * calls);
  }
}
