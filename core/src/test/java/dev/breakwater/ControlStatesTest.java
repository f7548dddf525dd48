package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.DISABLED;
import static dev.breakwater.CircuitBreaker.State.FORCED_OPEN;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.METRICS_ONLY;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static dev.breakwater.SlidingWindowType.COUNT_BASED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator's controls: DISABLED, METRICS_ONLY and forceOpen(Duration). */
class ControlStatesTest {
  final FakeTicker ticker = new FakeTicker();
  final Recorder recorder = new Recorder();

  CircuitBreaker breaker(CircuitBreakerConfig.Builder b) {
    return CircuitBreaker.of("ops", b.ticker(ticker).build()).onStateChange(recorder);
  }

  CircuitBreaker consecutive() {
    return breaker(CircuitBreakerConfig.builder().failureThreshold(3).successThreshold(1)
        .halfOpenMaxCalls(1).openTimeout(Duration.ofSeconds(10)));
  }

  static void fail(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      long p = b.tryAcquire();
      assertThat(p).isNotEqualTo(REJECTED);
      b.onFailure(p);
    }
  }

  int generation(CircuitBreaker b) {
    return BreakerWord.generation(b.rawWord());
  }

  @Test
  void disabledAdmitsEverythingAndRecordsNothing() {
    CircuitBreaker b = consecutive();
    fail(b, 2);
    b.disable();
    assertThat(b.state()).isEqualTo(DISABLED);
    fail(b, 100);
    assertThat(b.state()).isEqualTo(DISABLED);
    assertThat(b.failureCount()).isZero();
    assertThat(b.remainingOpenTime()).isEqualTo(Duration.ZERO);
    b.reset();
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(b.failureCount()).isZero(); // the failures before disable() are gone
    assertThat(recorder.events()).containsExactly("CLOSED->DISABLED", "DISABLED->CLOSED");
  }

  @Test
  void disablingAnOpenBreakerLetsCallsThroughAtOnce() {
    CircuitBreaker b = consecutive();
    fail(b, 3);
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    b.disable();
    assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
    b.disable(); // already there: nothing happens
    assertThat(recorder.events()).containsExactly("CLOSED->OPEN", "OPEN->DISABLED");
  }

  @Test
  void metricsOnlyCountsButNeverTrips() {
    CircuitBreaker b = consecutive();
    b.metricsOnly();
    assertThat(b.state()).isEqualTo(METRICS_ONLY);
    fail(b, 10);
    assertThat(b.state()).isEqualTo(METRICS_ONLY);
    assertThat(b.failureCount()).isEqualTo(10);
    b.onSuccess(b.tryAcquire());
    assertThat(b.failureCount()).isZero();
    fail(b, 2);
    b.reset();
    assertThat(b.failureCount()).isZero();
    assertThat(recorder.events()).containsExactly("CLOSED->METRICS_ONLY", "METRICS_ONLY->CLOSED");
  }

  @Test
  void metricsOnlyFailureCountSaturatesInsteadOfWrapping() {
    CircuitBreaker b = consecutive();
    b.metricsOnly();
    fail(b, BreakerWord.MAX_FAILURES + 10);
    assertThat(b.failureCount()).isEqualTo(BreakerWord.MAX_FAILURES);
    assertThat(b.state()).isEqualTo(METRICS_ONLY);
    assertThat(generation(b)).isEqualTo(1); // nothing else changed the word's header
  }

  @Test
  void metricsOnlyRecordsInTheWindowWithoutTripping() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().slidingWindow(COUNT_BASED, 10)
        .minimumNumberOfCalls(5));
    fail(b, 3);
    b.metricsOnly();
    assertThat(b.metrics().calls()).isZero(); // a new period, from zero
    fail(b, 10);
    assertThat(b.state()).isEqualTo(METRICS_ONLY);
    assertThat(b.metrics().calls()).isEqualTo(10);
    assertThat(b.metrics().failureRate()).isEqualTo(100.0);
    b.reset();
    assertThat(b.metrics().calls()).isZero();
    fail(b, 5);
    assertThat(b.state()).isEqualTo(OPEN); // enforcing again
  }

  @Test
  void permitsOfAnEarlierStateAreStaleInTheNewOne() {
    CircuitBreaker b = consecutive();
    long closed = b.tryAcquire();
    b.metricsOnly();
    b.onFailure(closed);
    assertThat(b.failureCount()).isZero();
    long counted = b.tryAcquire();
    b.disable();
    b.onFailure(counted);
    b.metricsOnly();
    assertThat(b.failureCount()).isZero();
  }

  @Test
  void forceOpenForADurationRejectsThenProbes() throws Exception {
    CircuitBreaker b = consecutive();
    b.forceOpen(Duration.ofSeconds(30));
    assertThat(b.state()).isEqualTo(FORCED_OPEN);
    ticker.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> b.call(() -> "x")).isInstanceOfSatisfying(
        CallNotPermittedException.class, e -> {
          assertThat(e.state()).isEqualTo(FORCED_OPEN);
          assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(20),
              Duration.ofSeconds(20).plusMillis(30));
        });
    assertThat(b.remainingOpenTime()).isBetween(Duration.ofSeconds(20),
        Duration.ofSeconds(20).plusMillis(30));
    ticker.advanceNanos(Duration.ofSeconds(20).toNanos() - 1);
    assertThat(b.tryAcquire()).isEqualTo(REJECTED); // never early
    ticker.advance(Duration.ofMillis(30));
    long probe = b.tryAcquire();
    assertThat(probe).isNotEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(b.backoffLevel()).isZero();
    b.onSuccess(probe);
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(recorder.events()).containsExactly("CLOSED->FORCED_OPEN", "FORCED_OPEN->HALF_OPEN",
        "HALF_OPEN->CLOSED");
  }

  @Test
  void forceOpenForADurationWorksAcrossTheTickerWrap() {
    ticker.set(Long.MAX_VALUE - 1_000_000_000L);
    CircuitBreaker b = consecutive();
    b.forceOpen(Duration.ofDays(7));
    for (int day = 0; day < 7; day++) {
      ticker.advance(Duration.ofHours(23));
      assertThat(b.tryAcquire()).as("day " + day).isEqualTo(REJECTED);
    }
    ticker.advance(Duration.ofDays(1));
    assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
  }

  @Test
  void forceOpenWithoutADurationReplacesATimedOneAndResetEndsIt() {
    CircuitBreaker b = consecutive();
    b.forceOpen(Duration.ofSeconds(1));
    b.forceOpen();
    ticker.advance(Duration.ofDays(1));
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.remainingOpenTime()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    b.forceOpen(Duration.ofSeconds(5)); // a timed one replaces the indefinite one
    ticker.advance(Duration.ofSeconds(6));
    assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
    b.forceOpen(Duration.ofHours(1));
    b.reset();
    assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
    assertThat(recorder.events()).containsExactly("CLOSED->FORCED_OPEN",
        "FORCED_OPEN->HALF_OPEN", "HALF_OPEN->FORCED_OPEN", "FORCED_OPEN->CLOSED");
  }

  @Test
  void everyControlStartsANewGenerationFromEveryState() {
    CircuitBreaker b = consecutive();
    int g = generation(b);
    b.disable();
    b.metricsOnly();
    b.forceOpen(Duration.ofSeconds(1));
    b.forceOpen();
    b.reset();
    assertThat(generation(b)).isEqualTo(g + 5);
  }

  @Test
  void forceOpenDurationIsValidated() {
    CircuitBreaker b = consecutive();
    assertThatThrownBy(() -> b.forceOpen(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("duration must not be null");
    assertThatThrownBy(() -> b.forceOpen(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be in [PT0.000000001S, PT8760H]: PT0S");
    assertThatThrownBy(() -> b.forceOpen(Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be in [PT0.000000001S, PT8760H]: PT8784H");
    assertThat(b.state()).isEqualTo(CLOSED);
  }

  @Test
  void aThrowingListenerDoesNotCorruptAControlTransition() {
    CircuitBreaker b = consecutive();
    b.onStateChange((breaker, from, to) -> {
      throw new IllegalStateException("listener bug");
    });
    b.disable();
    assertThat(b.state()).isEqualTo(DISABLED);
    assertThat(recorder.events()).containsExactly("CLOSED->DISABLED");
  }
}
