package dev.breakwater.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.SlidingWindowType;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A failure-rate breaker must keep opening however many state changes pass between two periods
 * that record outcomes (defect 1 of the window issue: with generations compared by a 16-bit
 * half-range test, a window whose remembered generation fell 32,769 or more behind the breaker's
 * took every new CLOSED outcome for a stale one and the breaker never opened again). Black-box:
 * only state changes through the public API, counted from the documented rule "every transition
 * and every reset starts a new generation".
 *
 * <p>Each breaker: count window of 10 (or a 1 s time window), minimum 10 calls, 50%, open timeout
 * 1 ms, on a ticker moved by hand.
 */
final class GenerationWrapTest {
  private static final Duration OPEN_TIMEOUT = Duration.ofMillis(1);
  private static final Duration PAST_TIMEOUT = Duration.ofMillis(2);

  static {
    Fixtures.silenceBreakerLog();
  }

  private static CircuitBreaker countBreaker(SetTicker ticker) {
    return CircuitBreaker.of("wrap", CircuitBreakerConfig.builder()
        .slidingWindow(SlidingWindowType.COUNT_BASED, 10)
        .minimumNumberOfCalls(10)
        .failureRateThreshold(50)
        .openTimeout(OPEN_TIMEOUT)
        .successThreshold(1)
        .halfOpenMaxCalls(1)
        .ticker(ticker)
        .build());
  }

  private static CircuitBreaker timeBreaker(SetTicker ticker) {
    return CircuitBreaker.of("wrap", CircuitBreakerConfig.builder()
        .slidingWindow(SlidingWindowType.TIME_BASED, Duration.ofSeconds(1))
        .minimumNumberOfCalls(10)
        .failureRateThreshold(50)
        .openTimeout(OPEN_TIMEOUT)
        .successThreshold(1)
        .halfOpenMaxCalls(1)
        .ticker(ticker)
        .build());
  }

  /**
   * Reports failures with fresh permits until the breaker stops admitting (at most {@code max}).
   *
   * @return how many failures were reported
   */
  private static int failUntilOpen(CircuitBreaker b, int max) {
    for (int i = 0; i < max; i++) {
      long p = b.tryAcquire();
      if (p == CircuitBreaker.REJECTED) {
        return i;
      }
      b.onFailure(p);
    }
    return max;
  }

  /** One probe after the open timeout: admitted, reported as a failure (true) or success. */
  private static void probe(CircuitBreaker b, SetTicker ticker, boolean fails) {
    ticker.advance(PAST_TIMEOUT);
    long p = b.tryAcquire();
    assertNotEquals(CircuitBreaker.REJECTED, p, () -> "probe not admitted: " + b);
    assertEquals(State.HALF_OPEN, b.state());
    if (fails) {
      b.onFailure(p);
      assertEquals(State.OPEN, b.state());
    } else {
      b.onSuccess(p);
      assertEquals(State.CLOSED, b.state());
    }
  }

  /**
   * The scenario: trip (1 state change), 16,383 failed probes (2 each), one good probe
   * (2): CLOSED 32,769 state changes after the last CLOSED period recorded anything. Then 1,000
   * failures must open it (after 10: the minimum).
   */
  @Test
  void countWindowOpensAfter32769TransitionsOfProbes() {
    SetTicker ticker = new SetTicker(ManualTicker.START);
    CircuitBreaker b = countBreaker(ticker);
    assertEquals(10, failUntilOpen(b, 1_000));
    assertEquals(State.OPEN, b.state());
    for (int i = 0; i < 16_383; i++) {
      probe(b, ticker, true);
    }
    probe(b, ticker, false);
    assertEquals(0, b.metrics().calls(), "a new CLOSED period starts empty");
    assertEquals(10, failUntilOpen(b, 1_000), () -> "blind window: " + b.metrics());
    assertEquals(State.OPEN, b.state());
  }

  /**
   * {@code n} resets without a record in between, then failures must open the breaker (after
   * exactly the minimum of 10), and a window that recorded nothing since must read empty.
   *
   * @param n resets; around the 16-bit half range and full range
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 32_767, 32_768, 32_769, 40_000, 65_535, 65_536, 65_537, 100_000})
  void countWindowOpensAfterResets(int n) {
    SetTicker ticker = new SetTicker(ManualTicker.START);
    CircuitBreaker b = countBreaker(ticker);
    for (int i = 0; i < n; i++) {
      b.reset();
    }
    assertEquals(10, failUntilOpen(b, 1_000), () -> "after " + n + " resets: " + b.metrics());
    assertEquals(State.OPEN, b.state());
  }

  /**
   * Same on a time window, with every bucket of the window holding an outcome of generation 0
   * (one success per 100 ms bucket over the last second) before the resets.
   *
   * @param n resets
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 32_767, 32_769, 65_535, 65_537, 100_000})
  void timeWindowOpensAfterResets(int n) {
    SetTicker ticker = new SetTicker(ManualTicker.START);
    CircuitBreaker b = timeBreaker(ticker);
    for (int i = 0; i < 10; i++) {
      b.onSuccess(b.tryAcquire());
      ticker.advance(Duration.ofMillis(100));
    }
    ticker.advance(Duration.ofMillis(-100)); // still inside the tenth bucket
    assertEquals(10, b.metrics().calls());
    for (int i = 0; i < n; i++) {
      b.reset();
    }
    assertEquals(0, b.metrics().calls(), () -> "after " + n + " resets: " + b.metrics());
    assertEquals(10, failUntilOpen(b, 1_000), () -> "after " + n + " resets: " + b.metrics());
    assertEquals(State.OPEN, b.state());
  }

  /**
   * A period's outcomes never count in a later period, even one whose generation is equal to it
   * modulo 2^16: 9 failures (below the minimum), then 65,536 resets; the new period starts empty
   * and one failure does not open it.
   *
   * @param n resets: whole multiples of 2^16
   */
  @ParameterizedTest
  @ValueSource(ints = {65_536, 131_072})
  void countWindowPeriodIsNotRevivedByAliasedGeneration(int n) {
    SetTicker ticker = new SetTicker(ManualTicker.START);
    CircuitBreaker b = countBreaker(ticker);
    assertEquals(9, failUntilOpen(b, 9));
    for (int i = 0; i < n; i++) {
      b.reset();
    }
    assertEquals(0, b.metrics().calls(), () -> "after " + n + " resets: " + b.metrics());
    b.onFailure(b.tryAcquire());
    assertEquals(State.CLOSED, b.state(), () -> "after " + n + " resets: " + b.metrics());
  }
}
