package dev.breakwater.stress;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.SlidingWindowType;
import dev.breakwater.WindowMetrics;
import java.time.Duration;

/**
 * Builds failure-rate (sliding-window) breakers in a known state for the window stress tests,
 * using only the public API.
 *
 * <p>Outcomes are written as strings, one character per call, each reported with a fresh permit:
 * {@code S} success, {@code F} failure, {@code W} slow success ({@link #SLOW_NANOS}), {@code X}
 * slow failure. A count window's slots are filled in ticket order, so {@code record(b, "SFS")} on
 * a fresh size-4 window leaves slots 0..2 = S, F, S and slot 3 empty; the next two records take
 * slots 3 and 0.
 *
 * <p>Time windows: every time-window breaker here has a {@link #WINDOW_LENGTH} of 1 s, i.e. ten
 * buckets of {@link #BUCKET} = 100 ms. {@link ManualTicker#START} is a multiple of the bucket, so
 * epoch {@code E0 = START / BUCKET} begins exactly at {@code START} and lives in slot 0; a ticker
 * moved by {@code k} whole buckets is at the first instant of epoch {@code E0 + k}, slot
 * {@code k mod 10}.
 */
public final class WindowFixtures {
  /** Length of every time window built here. */
  public static final Duration WINDOW_LENGTH = Duration.ofSeconds(1);
  /** One bucket of a time window: a tenth of its length. */
  public static final Duration BUCKET = WINDOW_LENGTH.dividedBy(10);
  /** The slow-call duration threshold of breakers with slow-call detection. */
  public static final Duration SLOW_THRESHOLD = Duration.ofMillis(1);
  /** A call duration above {@link #SLOW_THRESHOLD}. */
  public static final long SLOW_NANOS = Duration.ofMillis(2).toNanos();

  static {
    Fixtures.silenceBreakerLog();
    if (ManualTicker.START % BUCKET.toNanos() != 0) {
      throw new IllegalStateException("ManualTicker.START must begin a bucket");
    }
  }

  private WindowFixtures() {}

  /**
   * A count-window breaker.
   *
   * @param size window size in calls
   * @param minCalls minimum number of calls for a verdict
   * @param failurePercent failure-rate threshold
   * @param slowPercent slow-call-rate threshold, or 0 for no slow-call detection
   * @return a CLOSED breaker
   */
  public static CircuitBreaker count(int size, int minCalls, int failurePercent, int slowPercent) {
    CircuitBreakerConfig.Builder b = base(new ManualTicker())
        .slidingWindow(SlidingWindowType.COUNT_BASED, size)
        .minimumNumberOfCalls(minCalls)
        .failureRateThreshold(failurePercent);
    if (slowPercent > 0) {
      b.slowCallDurationThreshold(SLOW_THRESHOLD).slowCallRateThreshold(slowPercent);
    }
    return CircuitBreaker.of("stress-window", b.build());
  }

  /**
   * A time-window breaker ({@link #WINDOW_LENGTH}, ten buckets) on {@code ticker}.
   *
   * @param ticker the fake clock
   * @param minCalls minimum number of calls for a verdict
   * @param failurePercent failure-rate threshold
   * @return a CLOSED breaker
   */
  public static CircuitBreaker time(ManualTicker ticker, int minCalls, int failurePercent) {
    return CircuitBreaker.of("stress-window", base(ticker)
        .slidingWindow(SlidingWindowType.TIME_BASED, WINDOW_LENGTH)
        .minimumNumberOfCalls(minCalls)
        .failureRateThreshold(failurePercent)
        .build());
  }

  private static CircuitBreakerConfig.Builder base(ManualTicker ticker) {
    return CircuitBreakerConfig.builder()
        .successThreshold(1)
        .halfOpenMaxCalls(1)
        .openTimeout(Fixtures.OPEN_TIMEOUT)
        .ticker(ticker);
  }

  /**
   * Reports {@code outcomes} (see the class comment), each with a fresh permit that must be
   * granted.
   *
   * @param b the breaker
   * @param outcomes one character per call: S, F, W or X
   */
  public static void record(CircuitBreaker b, String outcomes) {
    for (int i = 0; i < outcomes.length(); i++) {
      report(b, Fixtures.admitted(b), outcomes.charAt(i));
    }
  }

  /**
   * Reports one outcome with {@code permit}.
   *
   * @param b the breaker
   * @param permit a permit from {@code b}
   * @param outcome S, F, W or X
   */
  public static void report(CircuitBreaker b, long permit, char outcome) {
    switch (outcome) {
      case 'S':
        b.onSuccess(permit);
        break;
      case 'F':
        b.onFailure(permit);
        break;
      case 'W':
        b.onSuccess(permit, SLOW_NANOS);
        break;
      case 'X':
        b.onFailure(permit, SLOW_NANOS);
        break;
      default:
        throw new IllegalArgumentException("outcome: " + outcome);
    }
  }

  /**
   * Moves {@code ticker} forward by whole buckets.
   *
   * @param ticker the fake clock
   * @param buckets how many buckets
   */
  public static void advanceBuckets(ManualTicker ticker, int buckets) {
    ticker.advance(BUCKET.multipliedBy(buckets));
  }

  /**
   * Fails the setup unless {@code b}'s metrics are exactly these.
   *
   * @param b the breaker
   * @param calls expected calls
   * @param failed expected failed calls
   * @param slow expected slow calls
   */
  public static void expectMetrics(CircuitBreaker b, int calls, int failed, int slow) {
    WindowMetrics m = b.metrics();
    if (m.calls() != calls || m.failedCalls() != failed || m.slowCalls() != slow) {
      throw new IllegalStateException(
          "setup expected " + calls + "/" + failed + "/" + slow + " calls/failed/slow: " + m);
    }
  }

  /**
   * Reports {@code size} successes with fresh permits (a whole lap of a count window) and
   * returns the metrics afterwards, encoded as {@code calls * 100 + failed * 10 + slow}. If the
   * window's totals equalled its slots before, every slot now holds a success and the result is
   * {@code size * 100}; a lost or doubled update of the totals survives the lap and shows. Call
   * only on a CLOSED breaker (successes never open it).
   *
   * @param b a CLOSED count-window breaker
   * @return the encoded metrics after the lap
   */
  public static int drain(CircuitBreaker b) {
    int size = b.config().slidingWindowSize();
    for (int i = 0; i < size; i++) {
      long p = b.tryAcquire();
      if (p == CircuitBreaker.REJECTED) {
        return -1;
      }
      b.onSuccess(p);
    }
    return encode(b.metrics());
  }

  /**
   * {@code calls * 100 + failed * 10 + slow}, for results (each count is below 10 in these
   * tests).
   *
   * @param m metrics
   * @return the encoding
   */
  public static int encode(WindowMetrics m) {
    return m.calls() * 100 + m.failedCalls() * 10 + m.slowCalls();
  }
}
