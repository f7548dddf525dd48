package dev.breakwater.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.CircuitBreakerConfig;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The open timeout must hold across the ticker's wrap from {@link Long#MAX_VALUE} to
 * {@link Long#MIN_VALUE}, whatever the time unit the breaker keeps its deadline in (defect 4 of
 * the window issue: with a long backoff cap the deadline unit is 2^26 ns or more, and a deadline
 * computed across the wrap was read as long expired: a call 1 s after tripping was admitted).
 * {@code System.nanoTime()} may start anywhere, so "near the wrap" is an ordinary place.
 */
final class TickerWrapTest {
  static {
    Fixtures.silenceBreakerLog();
  }

  /**
   * Trip at {@code Long.MAX_VALUE - startBeforeWrap}, then: rejected 1 s later and at half the
   * timeout, admitted at twice the timeout (a probe), which fails: re-opened with the doubled
   * timeout, rejected 1 s later and at the doubled timeout's half, admitted after twice that.
   *
   * @param startBeforeWrap seconds before the wrap at which the breaker trips
   * @param timeoutSeconds base open timeout
   * @param capDays backoff cap (x2 per re-open), 0 for no backoff
   */
  @ParameterizedTest(name = "trip {0} s before the wrap, timeout {1} s, cap {2} days")
  @CsvSource({
      "10, 60, 7",
      "10, 60, 365",
      "1, 60, 7",
      "100, 60, 7",
      "10, 60, 0",
      "10, 3600, 30"})
  void openTimeoutHoldsAcrossTheWrap(long startBeforeWrap, long timeoutSeconds, long capDays) {
    SetTicker ticker =
        new SetTicker(Long.MAX_VALUE - Duration.ofSeconds(startBeforeWrap).toNanos());
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    CircuitBreakerConfig.Builder config = CircuitBreakerConfig.builder()
        .failureThreshold(1)
        .successThreshold(1)
        .halfOpenMaxCalls(1)
        .openTimeout(timeout)
        .ticker(ticker);
    if (capDays > 0) {
      config.openTimeoutBackoff(2.0, Duration.ofDays(capDays));
    }
    CircuitBreaker b = CircuitBreaker.of("ticker-wrap", config.build());
    b.onFailure(b.tryAcquire());
    assertEquals(State.OPEN, b.state());
    expectOpenFor(b, ticker, timeout);

    long probe = b.tryAcquire();
    assertNotEquals(CircuitBreaker.REJECTED, probe);
    b.onFailure(probe);
    assertEquals(State.OPEN, b.state());
    expectOpenFor(b, ticker, capDays > 0 ? timeout.multipliedBy(2) : timeout);

    long second = b.tryAcquire();
    assertNotEquals(CircuitBreaker.REJECTED, second);
    b.onSuccess(second);
    assertEquals(State.CLOSED, b.state());
  }

  /**
   * Just opened: rejected 1 s later and at half the timeout; then the ticker moves to twice the
   * timeout after the opening (past any rounding of the deadline).
   */
  private static void expectOpenFor(CircuitBreaker b, SetTicker ticker, Duration timeout) {
    ticker.advance(Duration.ofSeconds(1));
    assertEquals(CircuitBreaker.REJECTED, b.tryAcquire(),
        () -> "admitted 1 s after opening with a " + timeout + " timeout at " + ticker.read());
    ticker.advance(timeout.dividedBy(2).minusSeconds(1));
    assertEquals(CircuitBreaker.REJECTED, b.tryAcquire(),
        () -> "admitted half-way through a " + timeout + " timeout at " + ticker.read());
    assertEquals(State.OPEN, b.state());
    ticker.advance(timeout.multipliedBy(3).dividedBy(2));
  }
}
