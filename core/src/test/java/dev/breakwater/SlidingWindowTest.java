package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static dev.breakwater.SlidingWindowType.COUNT_BASED;
import static dev.breakwater.SlidingWindowType.TIME_BASED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Failure-rate and slow-call tripping with count- and time-based windows. */
class SlidingWindowTest {
  final FakeTicker ticker = new FakeTicker();

  CircuitBreaker breaker(CircuitBreakerConfig.Builder b) {
    return CircuitBreaker.of("w", b.ticker(ticker).build());
  }

  static void record(CircuitBreaker b, int successes, int failures) {
    for (int i = 0; i < successes; i++) {
      b.onSuccess(b.tryAcquire());
    }
    for (int i = 0; i < failures; i++) {
      b.onFailure(b.tryAcquire());
    }
  }

  @Nested
  class CountBased {
    CircuitBreaker hundred() {
      return breaker(CircuitBreakerConfig.builder().slidingWindow(COUNT_BASED, 100)
          .failureRateThreshold(50).minimumNumberOfCalls(20));
    }

    @Test
    void fiftyOfAHundredOpensFortyNineDoesNot() {
      CircuitBreaker b = hundred();
      record(b, 51, 49);
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.metrics().failureRate()).isEqualTo(49.0);
      record(b, 0, 1); // evicts a success: 50 failures in the last 100 = 50%, at the threshold
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void noVerdictBelowTheMinimumNumberOfCalls() {
      CircuitBreaker b = hundred();
      record(b, 0, 19);
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.metrics().hasEnoughCalls()).isFalse();
      assertThat(b.metrics().failureRate()).isEqualTo(-1);
      assertThat(b.metrics().calls()).isEqualTo(19);
      record(b, 0, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void aSuccessThatReachesTheMinimumCanOpen() {
      CircuitBreaker b = hundred();
      record(b, 0, 19);
      record(b, 1, 0); // 19 of 20 failed
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void onlyTheLastNCallsCount() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().slidingWindow(COUNT_BASED, 10)
          .failureRateThreshold(50).minimumNumberOfCalls(10));
      record(b, 0, 4);
      record(b, 6, 0); // 4 of 10
      record(b, 4, 0); // the 4 failures are evicted
      assertThat(b.metrics().failedCalls()).isZero();
      assertThat(b.metrics().calls()).isEqualTo(10);
      record(b, 0, 4); // 4 of 10 again
      assertThat(b.state()).isEqualTo(CLOSED);
      record(b, 0, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void ignoredCallsAreNotInTheWindow() {
      CircuitBreaker b = hundred();
      for (int i = 0; i < 50; i++) {
        b.onIgnored(b.tryAcquire());
      }
      assertThat(b.metrics().calls()).isZero();
    }

    @Test
    void theWindowStartsEmptyWhenTheBreakerCloses() {
      CircuitBreaker b = hundred();
      record(b, 0, 20);
      assertThat(b.state()).isEqualTo(OPEN);
      ticker.advance(Duration.ofSeconds(61));
      b.onSuccess(b.tryAcquire());
      assertThat(b.metrics().failedCalls()).isEqualTo(20); // HALF_OPEN: the window that opened it
      b.onSuccess(b.tryAcquire());
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.metrics().calls()).isZero(); // closed: empty before any new call
      record(b, 1, 0);
      assertThat(b.metrics().calls()).isEqualTo(1);
      assertThat(b.metrics().failedCalls()).isZero();
    }

    @Test
    void outcomesOfAnEarlierClosedPeriodNeverCountInTheNext() {
      CircuitBreaker b = hundred();
      long[] old = new long[30];
      for (int i = 0; i < old.length; i++) {
        old[i] = b.tryAcquire();
      }
      b.reset();
      for (long p : old) {
        b.onFailure(p);
      }
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.metrics().calls()).isZero();
    }

    @Test
    void metricsAreEmptyRightAfterAReset() {
      CircuitBreaker b = hundred();
      record(b, 5, 10);
      assertThat(b.metrics().calls()).isEqualTo(15);
      b.reset();
      assertThat(b.metrics().calls()).isZero();
      assertThat(b.metrics().failedCalls()).isZero();
    }

    @Test
    void halfOpenKeepsItsProbeSemantics() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().slidingWindow(COUNT_BASED, 10)
          .minimumNumberOfCalls(10).halfOpenMaxCalls(1).successThreshold(2));
      record(b, 5, 5);
      assertThat(b.state()).isEqualTo(OPEN);
      ticker.advance(Duration.ofSeconds(61));
      long probe = b.tryAcquire();
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      b.onSuccess(probe);
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      b.onFailure(b.tryAcquire());
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void matchesALastNCallsModelOnRandomSequences() {
      SplittableRandom random = new SplittableRandom(42);
      for (int round = 0; round < 30; round++) {
        int n = 1 + random.nextInt(50);
        int min = 1 + random.nextInt(n);
        int percent = 1 + random.nextInt(100);
        CircuitBreaker b = breaker(CircuitBreakerConfig.builder().slidingWindow(COUNT_BASED, n)
            .minimumNumberOfCalls(min).failureRateThreshold(percent));
        ArrayDeque<Boolean> model = new ArrayDeque<>();
        int failuresInModel = 0;
        for (int step = 0; step < 500 && b.state() == CLOSED; step++) {
          boolean fail = random.nextInt(100) < percent;
          model.addLast(fail);
          failuresInModel += fail ? 1 : 0;
          if (model.size() > n) {
            failuresInModel -= model.removeFirst() ? 1 : 0;
          }
          long p = b.tryAcquire();
          if (fail) {
            b.onFailure(p);
          } else {
            b.onSuccess(p);
          }
          boolean shouldOpen = model.size() >= min
              && failuresInModel * 100 >= (long) percent * model.size();
          assertThat(b.state()).as("round %d step %d", round, step)
              .isEqualTo(shouldOpen ? OPEN : CLOSED);
          if (!shouldOpen) {
            assertThat(b.metrics().calls()).isEqualTo(model.size());
            assertThat(b.metrics().failedCalls()).isEqualTo(failuresInModel);
          }
        }
      }
    }

    @Test
    void aHealthyFullWindowIsNotWritten() {
      CircuitBreaker b = hundred();
      record(b, 100, 0);
      CountWindow w = (CountWindow) b.slidingWindow();
      long tickets = w.latest().cursor();
      record(b, 1000, 0);
      assertThat(w.latest().cursor()).isEqualTo(tickets); // read-only: no ticket taken
      assertThat(b.metrics().calls()).isEqualTo(100);
    }

    @Test
    void skippedSuccessesDoNotKeepAFailureInTheWindowLonger() {
      CircuitBreaker b = hundred();
      record(b, 100, 0); // full of successes: further successes are skipped
      record(b, 0, 1); // the failure takes a ticket and evicts one success
      record(b, 99, 0); // the window is no longer uniform: every success takes a ticket
      assertThat(b.metrics().failedCalls()).isEqualTo(1); // the failure is one of the last 100
      record(b, 1, 0);
      assertThat(b.metrics().failedCalls()).isZero(); // and the 101st call after it evicts it
      assertThat(b.metrics().calls()).isEqualTo(100);
    }

    @Test
    void recordsWithoutReadingTheClock() {
      CircuitBreaker b = hundred();
      record(b, 50, 5);
      assertThat(ticker.reads()).isZero();
    }
  }

  @Nested
  class TimeBased {
    CircuitBreaker tenSeconds() {
      return breaker(CircuitBreakerConfig.builder()
          .slidingWindow(TIME_BASED, Duration.ofSeconds(10))
          .failureRateThreshold(50).minimumNumberOfCalls(10));
    }

    @Test
    void opensAtTheThresholdOnceEnoughCalls() {
      CircuitBreaker b = tenSeconds();
      record(b, 5, 4);
      assertThat(b.state()).isEqualTo(CLOSED);
      record(b, 0, 1); // 5 of 10
      assertThat(b.state()).isEqualTo(OPEN);
    }

    /**
     * A failure that read the clock just before a bucket rollover records after a call of the
     * next bucket has installed it and judged the window without the failure. Together they make
     * 4 calls, 2 failed, against 50% with a minimum of 4: every sequential order opens, so this
     * one must too. (The ticker going back models the failure's earlier clock reading.)
     */
    @Test
    void aCrossingCompletedAcrossABucketRolloverOpens() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder()
          .slidingWindow(TIME_BASED, Duration.ofSeconds(1))
          .failureRateThreshold(50).minimumNumberOfCalls(4));
      ticker.set(5_000_000_000L); // the start of a 100 ms bucket
      record(b, 1, 1);
      long failure = b.tryAcquire();
      long success = b.tryAcquire();
      ticker.set(5_100_000_000L); // the next bucket
      b.onSuccess(success); // installs it; 3 calls, below the minimum
      assertThat(b.state()).isEqualTo(CLOSED);
      ticker.set(5_099_999_999L); // the failure's reading, taken before the rollover
      b.onFailure(failure);
      assertThat(b.state()).isEqualTo(OPEN);
      assertThat(b.metrics().calls()).isEqualTo(4);
      assertThat(b.metrics().failedCalls()).isEqualTo(2);
    }

    @Test
    void callsOlderThanTheWindowRollOff() {
      CircuitBreaker b = tenSeconds();
      record(b, 0, 4); // 4 failures, not enough calls
      ticker.advance(Duration.ofSeconds(5));
      record(b, 5, 0);
      assertThat(b.metrics().calls()).isEqualTo(9);
      ticker.advance(Duration.ofSeconds(6)); // the failures' bucket left the window
      assertThat(b.metrics().calls()).isEqualTo(5);
      record(b, 5, 0);
      assertThat(b.metrics().failedCalls()).isZero();
      assertThat(b.state()).isEqualTo(CLOSED);
    }

    @Test
    void theWindowSlidesOneBucketAtATime() {
      CircuitBreaker b = tenSeconds();
      long start = ticker.now();
      // align to a bucket start so the expectations are exact
      ticker.set(Math.floorDiv(start, 1_000_000_000L) * 1_000_000_000L + 1_000_000_000L);
      record(b, 3, 0); // bucket k
      ticker.advance(Duration.ofMillis(9_999));
      assertThat(b.metrics().calls()).isEqualTo(3); // bucket k+9: k still inside
      ticker.advance(Duration.ofMillis(1));
      assertThat(b.metrics().calls()).isZero(); // bucket k+10: k gone
    }

    @Test
    void aSuccessThatCompletesTheMinimumOpensIt() {
      CircuitBreaker b = tenSeconds(); // 50%, at least 10 calls
      record(b, 0, 5);
      record(b, 4, 0); // 9 calls, 5 failed: no verdict yet
      assertThat(b.state()).isEqualTo(CLOSED);
      record(b, 1, 0); // 10 calls, 50%
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void aSuccessAfterOldSuccessesLeftTheWindowOpensIt() {
      CircuitBreaker b = tenSeconds(); // 50%, at least 10 calls
      long k = (Math.floorDiv(ticker.now(), 1_000_000_000L) + 1) * 1_000_000_000L;
      ticker.set(k);
      record(b, 20, 0); // bucket k: 20 successes
      ticker.set(k + 5_000_000_000L);
      record(b, 0, 9); // bucket k+5: 29 calls, 9 failed (31%)
      assertThat(b.state()).isEqualTo(CLOSED);
      ticker.set(k + 10_000_000_000L); // bucket k left: 9 calls, all failed
      record(b, 1, 0); // the first record of the new bucket: 10 calls, 90%
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void successesInABusyBucketStillLetFailuresOpenIt() {
      CircuitBreaker b = tenSeconds();
      record(b, 50, 0); // the bucket holds far more than the minimum: successes skip the sum
      record(b, 0, 49);
      assertThat(b.state()).isEqualTo(CLOSED); // 49 of 99
      record(b, 0, 1);
      assertThat(b.state()).isEqualTo(OPEN); // 50 of 100
    }

    @Test
    void bucketBoundariesAreExact() {
      CircuitBreaker b = tenSeconds();
      long k = (Math.floorDiv(ticker.now(), 1_000_000_000L) + 1) * 1_000_000_000L;
      ticker.set(k);
      record(b, 2, 0); // bucket k
      ticker.set(k + 999_999_999L);
      record(b, 1, 0); // the last nanosecond of bucket k
      ticker.set(k + 1_000_000_000L);
      record(b, 0, 1); // the first nanosecond of bucket k+1
      assertThat(b.metrics().calls()).isEqualTo(4);
      ticker.set(k + 10_000_000_000L); // bucket k+10: k has left, k+1 is still in
      assertThat(b.metrics().calls()).isEqualTo(1);
      assertThat(b.metrics().failedCalls()).isEqualTo(1);
      record(b, 1, 0); // replaces bucket k in its slot
      assertThat(b.metrics().calls()).isEqualTo(2);
    }

    @Test
    void bucketsDoNotSaturateAndTheirSumDoesNotOverflow() {
      // More calls per bucket than a 21-bit counter holds, and 11 million in the window.
      CircuitBreaker b = tenSeconds();
      int perBucket = 1_100_000;
      long k = (Math.floorDiv(ticker.now(), 1_000_000_000L) + 1) * 1_000_000_000L;
      for (int bucket = 0; bucket < 10; bucket++) {
        ticker.set(k + bucket * 1_000_000_000L);
        for (int i = 1; i <= perBucket; i++) {
          long p = b.tryAcquire();
          if (i % 10 == 0) {
            b.onFailure(p);
          } else {
            b.onSuccess(p);
          }
        }
        assertThat(b.state()).isEqualTo(CLOSED);
      }
      WindowMetrics m = b.metrics();
      assertThat(m.calls()).isEqualTo(10 * perBucket);
      assertThat(m.failedCalls()).isEqualTo(perBucket);
      assertThat(m.failureRate()).isEqualTo(10.0);
      record(b, 0, 1);
      assertThat(b.state()).isEqualTo(CLOSED);
    }

    @Test
    void aLongIdleWindowIsEmpty() {
      CircuitBreaker b = tenSeconds();
      record(b, 0, 9);
      ticker.advance(Duration.ofDays(3));
      record(b, 0, 1);
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.metrics().calls()).isEqualTo(1);
    }

    @Test
    void theWindowStartsEmptyWhenTheBreakerCloses() {
      CircuitBreaker b = tenSeconds();
      record(b, 5, 5);
      assertThat(b.state()).isEqualTo(OPEN);
      ticker.advance(Duration.ofSeconds(61).minusSeconds(60)); // still within ten seconds
      assertThat(b.metrics().failedCalls()).isEqualTo(5); // OPEN: the window that opened it
      b.reset();
      assertThat(b.metrics().calls()).isZero(); // its buckets are still there, but not this period's
      record(b, 1, 0);
      assertThat(b.metrics().calls()).isEqualTo(1);
    }

    @Test
    void outcomesOfAnEarlierClosedPeriodNeverCountInTheNext() {
      CircuitBreaker b = tenSeconds();
      long[] old = new long[20];
      for (int i = 0; i < old.length; i++) {
        old[i] = b.tryAcquire();
      }
      b.reset();
      for (long p : old) {
        b.onFailure(p);
      }
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.metrics().calls()).isZero();
    }

    @Test
    void metricsStayFrozenWhileOpenHoweverLongItLasts() {
      CircuitBreaker b = tenSeconds();
      record(b, 5, 5);
      assertThat(b.state()).isEqualTo(OPEN);
      ticker.advance(Duration.ofSeconds(45)); // far longer than the window, shorter than OPEN
      assertThat(b.state()).isEqualTo(OPEN);
      assertThat(b.metrics().calls()).isEqualTo(10);
      assertThat(b.metrics().failedCalls()).isEqualTo(5);
    }

    @Test
    void metricsAreEmptyRightAfterAReset() {
      CircuitBreaker b = tenSeconds();
      record(b, 8, 4);
      assertThat(b.metrics().calls()).isEqualTo(12);
      b.reset();
      assertThat(b.metrics().calls()).isZero();
      assertThat(b.metrics().failedCalls()).isZero();
    }
  }

  @Nested
  class SlowCalls {
    CircuitBreaker slowBreaker() {
      return breaker(CircuitBreakerConfig.builder().slidingWindow(COUNT_BASED, 10)
          .minimumNumberOfCalls(10).slowCallDurationThreshold(Duration.ofMillis(100))
          .slowCallRateThreshold(50).halfOpenMaxCalls(1).successThreshold(1));
    }

    void call(CircuitBreaker b, long millis, boolean fail) {
      try {
        b.run(() -> {
          ticker.advance(Duration.ofMillis(millis));
          if (fail) {
            throw new IllegalStateException();
          }
        });
      } catch (IllegalStateException expected) {
        // counted as a failure
      }
    }

    @Test
    void slowCallsOpenTheBreakerLikeFailures() {
      CircuitBreaker b = slowBreaker();
      for (int i = 0; i < 5; i++) {
        call(b, 10, false);
      }
      for (int i = 0; i < 4; i++) {
        call(b, 101, false); // slow successes
      }
      assertThat(b.metrics().slowCalls()).isEqualTo(4);
      assertThat(b.metrics().failedCalls()).isZero();
      assertThat(b.state()).isEqualTo(CLOSED);
      call(b, 101, true); // slow and failed: counts in both
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void exactlyTheThresholdIsNotSlow() {
      CircuitBreaker b = slowBreaker();
      call(b, 100, false);
      assertThat(b.metrics().slowCalls()).isZero();
    }

    @Test
    void theManualApiTakesADuration() {
      CircuitBreaker b = slowBreaker();
      for (int i = 0; i < 10; i++) {
        b.onSuccess(b.tryAcquire(), Duration.ofSeconds(1).toNanos());
      }
      assertThat(b.state()).isEqualTo(OPEN);
      assertThatThrownBy(() -> b.onSuccess(0, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("durationNanos must be in [0, 9223372036854775807]: -1");
    }

    @Test
    void aSlowProbeIsAFailedProbe() {
      CircuitBreaker b = slowBreaker();
      for (int i = 0; i < 10; i++) {
        call(b, 0, true);
      }
      assertThat(b.state()).isEqualTo(OPEN);
      ticker.advance(Duration.ofSeconds(61));
      call(b, 150, false);
      assertThat(b.state()).isEqualTo(OPEN);
      ticker.advance(Duration.ofSeconds(61));
      call(b, 50, false);
      assertThat(b.state()).isEqualTo(CLOSED);
    }

    @Test
    void callsAreTimedOnlyWhenSlowCallsAreDetected() {
      CircuitBreaker timed = slowBreaker();
      long before = ticker.reads();
      timed.run(() -> { });
      assertThat(ticker.reads()).isEqualTo(before + 2);
      CircuitBreaker untimed = breaker(CircuitBreakerConfig.builder()
          .slidingWindow(COUNT_BASED, 10));
      before = ticker.reads();
      untimed.run(() -> { });
      assertThat(ticker.reads()).isEqualTo(before);
    }

    @Test
    void asyncCallsAreTimedToo() {
      CircuitBreaker b = slowBreaker();
      for (int i = 0; i < 10; i++) {
        java.util.concurrent.CompletableFuture<String> op = new java.util.concurrent.CompletableFuture<>();
        b.callAsync(() -> op);
        ticker.advance(Duration.ofMillis(200));
        op.complete("late");
      }
      assertThat(b.state()).isEqualTo(OPEN);
    }
  }

  @Nested
  class Configuration {
    @Test
    void oneBuilderLineSwitchesPolicies() {
      CircuitBreakerConfig rate = CircuitBreakerConfig.builder()
          .slidingWindow(COUNT_BASED, 100).failureRateThreshold(50).minimumNumberOfCalls(20).build();
      assertThat(rate.slidingWindowType()).isEqualTo(COUNT_BASED);
      assertThat(rate.slidingWindowSize()).isEqualTo(100);
      CircuitBreakerConfig slow = CircuitBreakerConfig.builder()
          .slidingWindow(TIME_BASED, Duration.ofSeconds(10))
          .slowCallDurationThreshold(Duration.ofSeconds(1)).slowCallRateThreshold(50).build();
      assertThat(slow.slidingWindowLength()).isEqualTo(Duration.ofSeconds(10));
      assertThat(slow.minimumNumberOfCalls()).isEqualTo(100);
      assertThat(slow.toBuilder().build().toString()).isEqualTo(slow.toString());
      assertThat(rate.toBuilder().build().toString()).isEqualTo(rate.toString());
    }

    @Test
    void defaults() {
      CircuitBreakerConfig c = CircuitBreakerConfig.builder().slidingWindow(COUNT_BASED, 10).build();
      assertThat(c.failureRateThreshold()).isEqualTo(50);
      assertThat(c.minimumNumberOfCalls()).isEqualTo(10); // the window size, being below 100
      assertThat(c.slowCallDurationThreshold()).isNull();
      assertThat(CircuitBreakerConfig.defaults().slidingWindowType()).isNull();
      assertThat(CircuitBreaker.ofDefaults("x").metrics().type()).isNull();
      assertThat(CircuitBreaker.ofDefaults("x").metrics().failureRate()).isEqualTo(-1);
    }

    @Test
    void validation() {
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 0),
          "slidingWindow size must be in [1, 10000]: 0");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10001),
          "slidingWindow size must be in [1, 10000]: 10001");
      assertInvalid(b -> b.slidingWindow(TIME_BASED, Duration.ofMillis(99)),
          "slidingWindow length must be in [PT0.1S, PT24H]: PT0.099S");
      assertInvalid(b -> b.slidingWindow(TIME_BASED, 10),
          "slidingWindow(TIME_BASED, ...) is sized by a Duration, not in calls: 10");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, Duration.ofSeconds(1)),
          "slidingWindow(COUNT_BASED, ...) is sized in calls, not by a Duration: PT1S");
      assertThatThrownBy(() -> CircuitBreakerConfig.builder().slidingWindow(null, 10))
          .isInstanceOf(NullPointerException.class).hasMessage("slidingWindow type must not be null");
      assertThatThrownBy(() -> CircuitBreakerConfig.builder().slidingWindow(TIME_BASED, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("slidingWindow length must not be null");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10).failureRateThreshold(0),
          "failureRateThreshold must be in [1, 100]: 0");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10).failureRateThreshold(101),
          "failureRateThreshold must be in [1, 100]: 101");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10).minimumNumberOfCalls(11),
          "minimumNumberOfCalls must be in [1, 10]: 11");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10).minimumNumberOfCalls(0),
          "minimumNumberOfCalls must be in [1, 10]: 0"); // a count window's range, not a time window's
      assertInvalid(b -> b.slidingWindow(TIME_BASED, Duration.ofSeconds(1))
          .minimumNumberOfCalls(0), "minimumNumberOfCalls must be in [1, 1000000]: 0");
      assertInvalid(b -> b.failureThreshold(3).slidingWindow(COUNT_BASED, 10),
          "failureThreshold (3 consecutive failures) and slidingWindow(COUNT_BASED, ...) are"
              + " alternative ways to trip; set one of them (with a window, use"
              + " failureRateThreshold)");
      // a threshold inherited from a preset is not an explicit setting: presets adapt to windows
      assertThat(CircuitBreakerConfig.aggressive().toBuilder().slidingWindow(COUNT_BASED, 10)
          .build().halfOpenMaxCalls()).isEqualTo(1);
      assertInvalid(b -> b.slidingWindow(TIME_BASED, Duration.ofSeconds(1))
          .minimumNumberOfCalls(1_000_001), "minimumNumberOfCalls must be in [1, 1000000]: 1000001");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10)
          .slowCallDurationThreshold(Duration.ZERO),
          "slowCallDurationThreshold must be in [PT0.000000001S, PT24H]: PT0S");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10).slowCallRateThreshold(50),
          "slowCallRateThreshold needs slowCallDurationThreshold to say what a slow call is");
      assertInvalid(b -> b.slidingWindow(COUNT_BASED, 10)
          .slowCallDurationThreshold(Duration.ofSeconds(1)).slowCallRateThreshold(0),
          "slowCallRateThreshold must be in [1, 100]: 0");
      assertInvalid(b -> b.failureRateThreshold(50), "failureRateThreshold needs a sliding window:"
          + " call slidingWindow(COUNT_BASED, n) or slidingWindow(TIME_BASED, duration)");
      assertInvalid(b -> b.slowCallDurationThreshold(Duration.ofSeconds(1)),
          "slowCallDurationThreshold needs a sliding window: call slidingWindow(COUNT_BASED, n)"
              + " or slidingWindow(TIME_BASED, duration)");
    }

    private void assertInvalid(java.util.function.Consumer<CircuitBreakerConfig.Builder> setter,
        String message) {
      CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder();
      setter.accept(b);
      assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
  }
}
