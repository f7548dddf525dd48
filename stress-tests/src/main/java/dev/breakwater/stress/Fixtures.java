package dev.breakwater.stress;

import dev.breakwater.CallNotPermittedException;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds breakers in a known state for the stress tests, using only the public API.
 *
 * <p>States are reported as {@link CircuitBreaker.State} ordinals in test results: 0 CLOSED,
 * 1 OPEN, 2 HALF_OPEN, 3 FORCED_OPEN.
 */
public final class Fixtures {
  /** The base open timeout of every test breaker. */
  public static final Duration OPEN_TIMEOUT = Duration.ofSeconds(1);
  /**
   * Far enough past a deadline: the deadline is rounded up to the breaker's time unit, so a
   * probe is certain to be admitted only a little after the timeout.
   */
  public static final Duration PAST_TIMEOUT = OPEN_TIMEOUT.plusMillis(1);
  /** Backoff: each re-open from HALF_OPEN doubles the open timeout, up to four times the base. */
  public static final double BACKOFF = 2.0;

  /** {@code State.CLOSED.ordinal()}, for result encoding. */
  public static final int CLOSED = 0;
  /** {@code State.OPEN.ordinal()}. */
  public static final int OPEN = 1;
  /** {@code State.HALF_OPEN.ordinal()}. */
  public static final int HALF_OPEN = 2;
  /** {@code State.FORCED_OPEN.ordinal()}. */
  public static final int FORCED_OPEN = 3;

  /**
   * The breaker logs every transition (WARNING on open) through {@code System.Logger}, which
   * defaults to java.util.logging. Millions of test breakers would spend their time formatting
   * log lines (and jcstress would capture them all), so the stress tests switch that logger off.
   * Held in a field: java.util.logging keeps loggers only weakly.
   */
  private static final Logger BREAKER_LOG = quiet();

  private Fixtures() {}

  /** Makes sure the breaker's logger is off (it is switched off when this class loads). */
  public static void silenceBreakerLog() {
    BREAKER_LOG.setLevel(Level.OFF);
  }

  private static Logger quiet() {
    Logger log = Logger.getLogger("dev.breakwater.CircuitBreaker");
    log.setLevel(Level.OFF);
    return log;
  }

  /**
   * A breaker with the 1 s open timeout, backoff x2 (cap 4 s) and the given ticker.
   *
   * @param ticker the fake clock
   * @param failureThreshold consecutive failures that open it
   * @param successThreshold probe successes that close it
   * @param halfOpenMaxCalls probes in flight at most
   * @return a CLOSED breaker
   */
  public static CircuitBreaker breaker(ManualTicker ticker, int failureThreshold,
      int successThreshold, int halfOpenMaxCalls) {
    CircuitBreakerConfig config = CircuitBreakerConfig.builder()
        .failureThreshold(failureThreshold)
        .successThreshold(successThreshold)
        .halfOpenMaxCalls(halfOpenMaxCalls)
        .openTimeout(OPEN_TIMEOUT)
        .openTimeoutBackoff(BACKOFF, OPEN_TIMEOUT.multipliedBy(4))
        .ticker(ticker)
        .build();
    return CircuitBreaker.of("stress", config);
  }

  /**
   * Reports {@code n} failures from CLOSED, each with a fresh permit.
   *
   * @param b a CLOSED breaker
   * @param n how many
   */
  public static void fail(CircuitBreaker b, int n) {
    for (int i = 0; i < n; i++) {
      b.onFailure(admitted(b));
    }
  }

  /**
   * Trips a CLOSED breaker (reports {@code failureThreshold} failures) and checks that it opened.
   *
   * @param b a CLOSED breaker
   */
  public static void trip(CircuitBreaker b) {
    fail(b, b.config().failureThreshold() - b.failureCount());
    expectState(b, CircuitBreaker.State.OPEN);
  }

  /**
   * A CLOSED breaker tripped to OPEN whose open timeout has just passed on {@code ticker}.
   *
   * @param ticker the fake clock
   * @param failureThreshold consecutive failures that open it
   * @param successThreshold probe successes that close it
   * @param halfOpenMaxCalls probes in flight at most
   * @return an OPEN breaker whose next {@code tryAcquire} starts HALF_OPEN
   */
  public static CircuitBreaker openExpired(ManualTicker ticker, int failureThreshold,
      int successThreshold, int halfOpenMaxCalls) {
    CircuitBreaker b = breaker(ticker, failureThreshold, successThreshold, halfOpenMaxCalls);
    trip(b);
    ticker.advance(PAST_TIMEOUT);
    return b;
  }

  /**
   * Acquires a permit that must be granted.
   *
   * @param b the breaker
   * @return the permit
   */
  public static long admitted(CircuitBreaker b) {
    long p = b.tryAcquire();
    if (p == CircuitBreaker.REJECTED) {
      throw new IllegalStateException("setup expected a permit: " + b);
    }
    return p;
  }

  /**
   * Fails the setup if {@code b} is not in {@code expected}.
   *
   * @param b the breaker
   * @param expected the state the setup should have reached
   */
  public static void expectState(CircuitBreaker b, CircuitBreaker.State expected) {
    if (b.state() != expected) {
      throw new IllegalStateException("setup expected " + expected + ": " + b);
    }
  }

  /**
   * 1 for a permit, 0 for {@link CircuitBreaker#REJECTED}.
   *
   * @param permit a {@code tryAcquire} result
   * @return 1 if admitted
   */
  public static int admittedBit(long permit) {
    return permit == CircuitBreaker.REJECTED ? 0 : 1;
  }

  /**
   * Makes one call through {@link CircuitBreaker#supply} and classifies what happened: 0 ran
   * (admitted), 1 rejected with retry-after 0 (HALF_OPEN, slots busy), 2 rejected with a
   * retry-after in (0, base + 1 ms], 3 in (base + 1 ms, 2 base + 1 ms], 4 anything else (FORCED_OPEN
   * or a wrong deadline).
   *
   * @param b the breaker
   * @return the class of the outcome
   */
  public static int callOutcome(CircuitBreaker b) {
    try {
      b.supply(() -> null);
      return 0;
    } catch (CallNotPermittedException e) {
      long retry = e.retryAfterNanos();
      long slack = Duration.ofMillis(1).toNanos();
      long base = OPEN_TIMEOUT.toNanos();
      if (retry == 0) {
        return 1;
      } else if (retry > 0 && retry <= base + slack) {
        return 2;
      } else if (retry > base + slack && retry <= 2 * base + slack) {
        return 3;
      }
      return 4;
    }
  }
}
