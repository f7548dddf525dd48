package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.FORCED_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static dev.breakwater.SlidingWindowType.COUNT_BASED;
import static dev.breakwater.SlidingWindowType.TIME_BASED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which CLOSED period a window counts in, however many generations go by while nobody records:
 * the window never goes blind, never reuses an old period, and {@code metrics()} shows the
 * period just left. Each test runs with a count window and with a time window.
 */
class WindowPeriodTest {
  final FakeTicker ticker = new FakeTicker();

  CircuitBreaker breaker(SlidingWindowType type) {
    CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder()
        .failureRateThreshold(50).minimumNumberOfCalls(10).successThreshold(1)
        .halfOpenMaxCalls(1).openTimeout(Duration.ofMillis(1)).ticker(ticker);
    if (type == COUNT_BASED) {
      b.slidingWindow(COUNT_BASED, 10);
    } else {
      b.slidingWindow(TIME_BASED, Duration.ofSeconds(10));
    }
    return CircuitBreaker.of("w", b.build());
  }

  static void fail(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      long p = b.tryAcquire();
      assertThat(p).isNotEqualTo(REJECTED);
      b.onFailure(p);
    }
  }

  void trip(CircuitBreaker b) {
    fail(b, 10);
    assertThat(b.state()).isEqualTo(OPEN);
  }

  /** The repro: a long outage behind a short timeout, 32,767 generations of probes. */
  @ParameterizedTest
  @EnumSource(SlidingWindowType.class)
  void aBreakerThatProbedThroughThousandsOfGenerationsStillTrips(SlidingWindowType type) {
    CircuitBreaker b = breaker(type);
    trip(b);
    for (int i = 0; i < 16_383; i++) {
      ticker.advance(Duration.ofMillis(2));
      long probe = b.tryAcquire();
      assertThat(probe).isNotEqualTo(REJECTED);
      b.onFailure(probe);
    }
    ticker.advance(Duration.ofMillis(2));
    b.onSuccess(b.tryAcquire()); // one good probe closes it
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(b.metrics().calls()).isZero();
    fail(b, 9);
    assertThat(b.metrics().calls()).isEqualTo(9);
    assertThat(b.state()).isEqualTo(CLOSED);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(OPEN);
    assertThat(b.metrics().failedCalls()).isEqualTo(10);
  }

  @ParameterizedTest
  @EnumSource(SlidingWindowType.class)
  void aBreakerResetMoreThanHalfTheGenerationRangeWithoutTrafficStillTrips(
      SlidingWindowType type) {
    CircuitBreaker b = breaker(type);
    fail(b, 3);
    for (int i = 0; i < 32_769; i++) {
      b.reset();
    }
    fail(b, 10);
    assertThat(b.state()).isEqualTo(OPEN);
    assertThat(b.metrics().calls()).isEqualTo(10);
  }

  /** After exactly 65,536 generations the old period's generation comes back: not its calls. */
  @ParameterizedTest
  @EnumSource(SlidingWindowType.class)
  void aPeriodIsNeverReusedWhenItsGenerationComesBack(SlidingWindowType type) {
    CircuitBreaker b = breaker(type);
    trip(b); // CLOSED(0) held 10 of 10 failed; now OPEN(1)
    for (int i = 0; i < 65_535; i++) {
      b.reset(); // ... CLOSED(65,536 = 0 mod 2^16)
    }
    assertThat(BreakerWord.generation(b.rawWord())).isZero();
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(b.metrics().calls()).isZero();
    fail(b, 1);
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(b.metrics().calls()).isEqualTo(1);
    assertThat(b.metrics().failedCalls()).isEqualTo(1);
  }

  /** The repro of defect 5: reset() then forceOpen() shows the (empty) period in between. */
  @ParameterizedTest
  @EnumSource(SlidingWindowType.class)
  void forceOpenAfterResetShowsThePeriodJustLeftNotAnOlderOne(SlidingWindowType type) {
    CircuitBreaker b = breaker(type);
    trip(b);
    b.reset();
    assertThat(b.metrics().calls()).isZero();
    b.forceOpen();
    assertThat(b.state()).isEqualTo(FORCED_OPEN);
    assertThat(b.metrics().calls()).isZero();
    b.reset();
    fail(b, 3);
    b.forceOpen();
    assertThat(b.metrics().calls()).isEqualTo(3); // the period that was just left, frozen
  }

  /** Outcomes of a period still in flight when the breaker leaves it do not count any more. */
  @ParameterizedTest
  @EnumSource(SlidingWindowType.class)
  void aFinishedPeriodIsFrozen(SlidingWindowType type) {
    CircuitBreaker b = breaker(type);
    fail(b, 4);
    long late = b.tryAcquire();
    b.forceOpen();
    b.onFailure(late); // stale
    assertThat(b.metrics().calls()).isEqualTo(4);
  }
}
