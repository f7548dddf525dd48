package dev.breakwater.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.SlidingWindowType;
import java.time.Duration;

/** Configs and moves shared by the tests. */
final class Breakers {
  static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
  static final Duration SLOW = Duration.ofMillis(100);

  private Breakers() {}

  /** A count window of 10 calls, verdict from 4, failures at 50%, slow at 80%, stats, latency. */
  static CircuitBreakerConfig.Builder windowed(FakeTicker ticker) {
    return CircuitBreakerConfig.builder()
        .slidingWindow(SlidingWindowType.COUNT_BASED, 10)
        .minimumNumberOfCalls(4)
        .failureRateThreshold(50)
        .slowCallDurationThreshold(SLOW)
        .slowCallRateThreshold(80)
        .openTimeout(OPEN_TIMEOUT)
        .halfOpenMaxCalls(1)
        .ticker(ticker)
        .recordLatency();
  }

  static void succeed(CircuitBreaker b, FakeTicker ticker, Duration took) throws Exception {
    b.call(() -> {
      ticker.advance(took);
      return "ok";
    });
  }

  static void fail(CircuitBreaker b, FakeTicker ticker, Duration took) {
    try {
      b.call(() -> {
        ticker.advance(took);
        throw new IllegalStateException("down");
      });
    } catch (Exception expected) {
      // the operation's own exception, or a rejection
    }
  }

  static void ignored(CircuitBreaker b) {
    b.onIgnored(b.tryAcquire());
  }

  static void rejected(CircuitBreaker b) {
    assertThat(b.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
  }

  /** From CLOSED with a window: fails until OPEN. */
  static void open(CircuitBreaker b, FakeTicker ticker) {
    for (int i = 0; i < 20 && b.state() != CircuitBreaker.State.OPEN; i++) {
      fail(b, ticker, Duration.ofMillis(1));
    }
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  /** From OPEN: waits out the open timeout and admits one probe, left in flight. */
  static long halfOpen(CircuitBreaker b, FakeTicker ticker) {
    ticker.advance(OPEN_TIMEOUT.plusMillis(1));
    long permit = b.tryAcquire();
    assertThat(permit).isNotEqualTo(CircuitBreaker.REJECTED);
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    return permit;
  }
}
