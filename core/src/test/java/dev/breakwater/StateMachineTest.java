package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.FORCED_OPEN;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every line of the semantics in the README, one nested class per state or rule. */
class StateMachineTest {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** More than one deadline unit past the timeout: the first instant a probe is sure to go. */
  static final Duration PAST = TIMEOUT.plusMillis(1);

  final FakeTicker ticker = new FakeTicker();
  final Recorder recorder = new Recorder();

  CircuitBreaker breaker(CircuitBreakerConfig.Builder b) {
    return CircuitBreaker.of("test", b.ticker(ticker).build()).onStateChange(recorder);
  }

  CircuitBreaker breaker() {
    return breaker(CircuitBreakerConfig.builder()
        .failureThreshold(3).successThreshold(2).halfOpenMaxCalls(2).openTimeout(TIMEOUT));
  }

  static void fail(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      long p = b.tryAcquire();
      assertThat(p).isNotEqualTo(REJECTED);
      b.onFailure(p);
    }
  }

  CircuitBreaker opened() {
    CircuitBreaker b = breaker();
    fail(b, 3);
    assertThat(b.state()).isEqualTo(OPEN);
    return b;
  }

  CircuitBreaker halfOpened() {
    CircuitBreaker b = opened();
    ticker.advance(PAST);
    return b;
  }

  @Nested
  class Closed {
    @Test
    void failuresAddUpAndASuccessClearsThem() {
      CircuitBreaker b = breaker();
      fail(b, 2);
      assertThat(b.failureCount()).isEqualTo(2);
      b.onSuccess(b.tryAcquire());
      assertThat(b.failureCount()).isZero();
      fail(b, 2);
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.failureCount()).isEqualTo(2);
    }

    @Test
    void opensWhenTheCountReachesTheThreshold() {
      CircuitBreaker b = breaker();
      fail(b, 2);
      assertThat(b.state()).isEqualTo(CLOSED);
      fail(b, 1);
      assertThat(b.state()).isEqualTo(OPEN);
      assertThat(b.failureCount()).isZero();
      assertThat(recorder.events()).containsExactly("CLOSED->OPEN");
    }

    @Test
    void thresholdOfOneOpensOnTheFirstFailure() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1));
      fail(b, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void theLargestThresholdCountsToTheTop() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(65535));
      fail(b, 65534);
      assertThat(b.failureCount()).isEqualTo(65534);
      assertThat(b.state()).isEqualTo(CLOSED);
      fail(b, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void admissionAndSuccessNeitherReadTheClockNorWriteTheWord() {
      CircuitBreaker b = breaker();
      long before = b.rawWord();
      for (int i = 0; i < 1000; i++) {
        b.onSuccess(b.tryAcquire());
      }
      fail(b, 2); // failures below the threshold do not read the clock either
      b.onSuccess(b.tryAcquire());
      assertThat(b.rawWord()).isEqualTo(before);
      assertThat(ticker.reads()).isZero();
    }

    @Test
    void ignoredOutcomesChangeNothing() {
      CircuitBreaker b = breaker();
      fail(b, 2);
      b.onIgnored(b.tryAcquire());
      assertThat(b.failureCount()).isEqualTo(2);
    }

    @Test
    void permitsAreTheGeneration() {
      CircuitBreaker b = breaker();
      long p = b.tryAcquire();
      assertThat(p).isEqualTo(b.tryAcquire()).isBetween(0L, 65535L);
      b.reset();
      assertThat(b.tryAcquire()).isEqualTo(p + 1);
    }
  }

  @Nested
  class Open {
    @Test
    void rejectsUntilTheTimeoutHasPassed() {
      CircuitBreaker b = opened();
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      ticker.advance(TIMEOUT.minusNanos(1));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void neverLeavesEarlyAndAtMostOneDeadlineUnitLate() {
      CircuitBreaker b = opened();
      long unit = 1L << b.config().deadlineShift(0);
      ticker.advanceNanos(TIMEOUT.toNanos() - 1);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      ticker.advanceNanos(1 + unit);
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
    }

    @Test
    void exactAtTheDeadlineWhenItFallsOnAUnitBoundary() {
      // 2^30 ns: unit 2^7 ns (the finest in which the timeout is below 2^24 units)
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
          .openTimeout(Duration.ofNanos(1L << 30)));
      assertThat(b.config().deadlineShift(0)).isEqualTo(7);
      ticker.advanceNanos(-Math.floorMod(ticker.read(), 1L << 7)); // trip on a unit boundary
      fail(b, 1);
      ticker.advanceNanos((1L << 30) - 1);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      ticker.advanceNanos(1);
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(HALF_OPEN);
    }

    @Test
    void theFirstCallAfterTheTimeoutIsAdmittedAsAProbeOnTheCallersThread() {
      CircuitBreaker b = opened();
      ticker.advance(PAST);
      assertThat(b.state()).isEqualTo(OPEN); // no background thread
      long probe = b.tryAcquire();
      assertThat(probe).isNotEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      assertThat(b.probesInFlight()).isEqualTo(1);
      assertThat(recorder.events()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
    }

    @Test
    void aRejectionReadsTheClockOnce() {
      CircuitBreaker b = opened();
      long reads = ticker.reads();
      b.tryAcquire();
      assertThat(ticker.reads()).isEqualTo(reads + 1);
    }

    @Test
    void worksWhereTheTickerCrossesZeroAndWraps() {
      for (long start : new long[] {-TIMEOUT.toNanos() / 2, Long.MAX_VALUE - TIMEOUT.toNanos() / 2}) {
        ticker.set(start);
        CircuitBreaker b = opened();
        ticker.advance(TIMEOUT.minusMillis(1));
        assertThat(b.tryAcquire()).isEqualTo(REJECTED);
        ticker.advance(Duration.ofMillis(2));
        assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
      }
    }

    @Test
    void aBreakerLeftOpenForAgesStillAdmitsAProbe() {
      CircuitBreaker b = opened();
      // far past the deadline, including spans that wrap the 35-bit deadline field many times
      ticker.advance(Duration.ofDays(3650));
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
    }
  }

  @Nested
  class HalfOpen {
    @Test
    void admitsAtMostHalfOpenMaxCallsAtOnce() {
      CircuitBreaker b = halfOpened();
      long p1 = b.tryAcquire();
      long p2 = b.tryAcquire();
      assertThat(p1).isNotEqualTo(REJECTED);
      assertThat(p2).isNotEqualTo(REJECTED);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.probesInFlight()).isEqualTo(2);
      b.onIgnored(p1); // frees its slot
      assertThat(b.probesInFlight()).isEqualTo(1);
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
    }

    @Test
    void successThresholdSuccessesClose() {
      CircuitBreaker b = halfOpened();
      b.onSuccess(b.tryAcquire());
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      assertThat(b.successCount()).isEqualTo(1);
      b.onSuccess(b.tryAcquire());
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.failureCount()).isZero();
      assertThat(b.successCount()).isZero();
      assertThat(recorder.events())
          .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void successesCountWhileOtherProbesAreStillInFlight() {
      CircuitBreaker b = halfOpened();
      long p1 = b.tryAcquire();
      long p2 = b.tryAcquire();
      b.onSuccess(p1);
      assertThat(b.probesInFlight()).isEqualTo(1);
      b.onSuccess(p2);
      assertThat(b.state()).isEqualTo(CLOSED);
    }

    @Test
    void anyFailureReopensWithTheNextBackoffStep() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
          .openTimeout(Duration.ofSeconds(10)).openTimeoutBackoff(2.0, Duration.ofSeconds(35)));
      fail(b, 1);
      assertThat(b.backoffLevel()).isZero();
      long[] expectedWaits = {20, 35, 35};
      ticker.advance(Duration.ofSeconds(10).plusMillis(1));
      for (long wait : expectedWaits) {
        long probe = b.tryAcquire();
        long other = b.tryAcquire(); // still in flight when the first fails
        b.onFailure(probe);
        assertThat(b.state()).isEqualTo(OPEN);
        b.onSuccess(other); // stale: ignored
        assertThat(b.state()).isEqualTo(OPEN);
        ticker.advance(Duration.ofSeconds(wait).minusMillis(1));
        assertThat(b.tryAcquire()).isEqualTo(REJECTED);
        ticker.advance(Duration.ofMillis(2));
      }
      assertThat(b.backoffLevel()).isEqualTo(2); // saturates where the cap is reached
      // closing brings the backoff back to its base
      b.onSuccess(b.tryAcquire());
      b.onSuccess(b.tryAcquire());
      assertThat(b.state()).isEqualTo(CLOSED);
      fail(b, 1);
      assertThat(b.backoffLevel()).isZero();
      ticker.advance(Duration.ofSeconds(10).plusMillis(1));
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
    }

    @Test
    void ignoredProbesNeitherCloseNorReopen() {
      CircuitBreaker b = halfOpened();
      for (int i = 0; i < 10; i++) {
        b.onIgnored(b.tryAcquire());
      }
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      assertThat(b.successCount()).isZero();
      assertThat(b.probesInFlight()).isZero();
    }

    @Test
    void duplicateReportsCannotUnderflowTheSlots() {
      CircuitBreaker b = halfOpened();
      long p = b.tryAcquire();
      b.onIgnored(p);
      b.onIgnored(p);
      b.onSuccess(p);
      b.onFailure(p);
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      assertThat(b.probesInFlight()).isZero();
      assertThat(b.successCount()).isZero();
    }

    @Test
    void admissionAndSuccessReadNoClock() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
          .successThreshold(5).halfOpenMaxCalls(3).openTimeout(TIMEOUT));
      fail(b, 1);
      ticker.advance(PAST);
      b.tryAcquire(); // the transition itself reads the clock
      long reads = ticker.reads();
      long p = b.tryAcquire();
      b.onSuccess(p);
      b.tryAcquire();
      b.tryAcquire(); // fills the last slot: still no clock
      assertThat(ticker.reads()).isEqualTo(reads);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED); // finds them full: reads it once
      assertThat(ticker.reads()).isEqualTo(reads + 1);
    }
  }

  @Nested
  class Generations {
    @Test
    void closedPermitsAreIgnoredAfterTheBreakerOpens() {
      CircuitBreaker b = breaker();
      long old = b.tryAcquire();
      fail(b, 3);
      ticker.advance(PAST);
      long probe = b.tryAcquire();
      b.onFailure(old); // would re-open HALF_OPEN if it counted
      b.onSuccess(old); // would count towards closing
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      assertThat(b.successCount()).isZero();
      assertThat(b.probesInFlight()).isEqualTo(1);
      b.onSuccess(probe);
      assertThat(b.successCount()).isEqualTo(1);
    }

    @Test
    void probePermitsAreIgnoredAfterTheBreakerCloses() {
      CircuitBreaker b = halfOpened();
      long p1 = b.tryAcquire();
      long p2 = b.tryAcquire();
      b.onSuccess(p1);
      b.onIgnored(p2);
      long p3 = b.tryAcquire();
      b.onSuccess(p3);
      assertThat(b.state()).isEqualTo(CLOSED);
      b.onFailure(p2);
      b.onFailure(p3);
      assertThat(b.failureCount()).isZero();
    }

    @Test
    void permitsFromBeforeAResetAreIgnored() {
      CircuitBreaker b = breaker();
      long old = b.tryAcquire();
      fail(b, 2);
      b.reset();
      b.onFailure(old);
      assertThat(b.failureCount()).isZero();
      long fresh = b.tryAcquire();
      b.onFailure(fresh);
      assertThat(b.failureCount()).isEqualTo(1);
    }

    @Test
    void aStalePermitFreesNoSlotOfTheNewHalfOpenPeriod() {
      CircuitBreaker b = halfOpened();
      long p1 = b.tryAcquire();
      long p2 = b.tryAcquire();
      b.onFailure(p1); // re-open; p2 becomes stale
      ticker.advance(Duration.ofMinutes(5));
      long q1 = b.tryAcquire();
      long q2 = b.tryAcquire();
      assertThat(q1).isNotEqualTo(REJECTED);
      assertThat(q2).isNotEqualTo(REJECTED);
      b.onIgnored(p2);
      assertThat(b.probesInFlight()).isEqualTo(2);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    }

    @Test
    void everyTransitionBumpsTheGenerationByOne() {
      CircuitBreaker b = breaker();
      int g0 = BreakerWord.generation(b.rawWord());
      fail(b, 3);
      ticker.advance(PAST);
      b.onSuccess(b.tryAcquire());
      b.onSuccess(b.tryAcquire());
      b.forceOpen();
      b.reset();
      assertThat(BreakerWord.generation(b.rawWord())).isEqualTo(g0 + 5);
    }

    @Test
    void theGenerationWrapsAfter65536Changes() {
      CircuitBreaker b = breaker();
      long p = b.tryAcquire();
      for (int i = 0; i < 65536; i++) {
        b.reset();
      }
      assertThat(b.tryAcquire()).isEqualTo(p); // the documented aliasing limit
    }

    @Test
    void invalidPermitsAreRejectedWithAClearMessage() {
      CircuitBreaker b = breaker();
      assertThatThrownBy(() -> b.onSuccess(REJECTED))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("permit must be in [0, 65535] (a value returned by tryAcquire() other than"
              + " REJECTED): -1");
      assertThatThrownBy(() -> b.onFailure(65536)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.onIgnored(-5)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class NeverStuck {
    @Test
    void hungProbesCountAsFailedOnceTheTimeoutPasses() {
      CircuitBreaker b = halfOpened();
      long hung1 = b.tryAcquire();
      long hung2 = b.tryAcquire();
      assertThat(b.tryAcquire()).isEqualTo(REJECTED); // finds the slots full: the clock starts
      ticker.advance(TIMEOUT.minusMillis(1));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      ticker.advance(Duration.ofMillis(200)); // 0.2% of the timeout: more than the stamp unit
      assertThat(b.tryAcquire()).isEqualTo(REJECTED); // this caller re-opens it
      assertThat(b.state()).isEqualTo(OPEN);
      assertThat(b.backoffLevel()).isZero(); // no backoff configured
      assertThat(recorder.events()).endsWith("OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
      // the hung probes finally report: ignored
      b.onSuccess(hung1);
      b.onFailure(hung2);
      assertThat(b.state()).isEqualTo(OPEN);
      ticker.advance(PAST);
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(HALF_OPEN);
    }

    /**
     * DESIGN.md, "Time": HALF_OPEN's "full since" is stamped modulo 2^13 units, so a period whose only
     * slot hangs and that sees no caller for exactly a whole lap of stamps looks just entered.
     * The documented bound: at most one more timeout before a caller declares the probe hung.
     */
    @Test
    void anIdleHungPeriodOfAWholeStampLapCostsAtMostOneMoreTimeout() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
          .halfOpenMaxCalls(1).openTimeout(TIMEOUT));
      fail(b, 1);
      ticker.advance(PAST);
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED); // HALF_OPEN; this probe hangs
      long lap = (1L << BreakerWord.SINCE_BITS) << b.config().sinceShift;
      ticker.advance(Duration.ofNanos(lap)); // about 17 minutes later: the stamp has wrapped
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(HALF_OPEN); // the blind spot
      ticker.advance(TIMEOUT.plusSeconds(1));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED); // this caller declares it hung
      assertThat(b.state()).isEqualTo(OPEN);
    }

    /**
     * DESIGN.md, "Time": an OPEN deadline is kept modulo 2^35 units, so a breaker left OPEN
     * with no caller for exactly a whole lap sees its deadline as still ahead. The documented
     * bound: at most one more timeout of rejection, then the probe goes.
     */
    @Test
    void anOpenBreakerIdleForAWholeDeadlineLapCostsAtMostOneMoreTimeout() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
          .openTimeout(TIMEOUT));
      fail(b, 1);
      long lap = (1L << BreakerWord.DEADLINE_BITS) << b.config().deadlineShift(0);
      ticker.advance(Duration.ofNanos(lap)); // about 1.6 days later: the deadline has wrapped
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(OPEN); // the blind spot
      ticker.advance(PAST.plusSeconds(1));
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED); // the probe goes
      assertThat(b.state()).isEqualTo(HALF_OPEN);
    }

    @Test
    void aHungProbeIsNotDeclaredWhileAnotherSlotIsFree() {
      CircuitBreaker b = halfOpened();
      b.tryAcquire(); // hangs
      ticker.advance(Duration.ofHours(1));
      long p = b.tryAcquire();
      assertThat(p).isNotEqualTo(REJECTED);
      b.onSuccess(p);
      b.onSuccess(b.tryAcquire());
      assertThat(b.state()).isEqualTo(CLOSED);
    }

    @Test
    void hungProbesBackOffLikeAFailure() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
          .halfOpenMaxCalls(1).openTimeout(TIMEOUT).openTimeoutBackoff(2, Duration.ofHours(1)));
      fail(b, 1);
      ticker.advance(PAST);
      b.tryAcquire(); // hangs
      ticker.advance(TIMEOUT.plusSeconds(1));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(OPEN);
      assertThat(b.backoffLevel()).isEqualTo(1);
    }
  }

  @Nested
  class Control {
    @Test
    void forceOpenRejectsEverythingUntilReset() {
      CircuitBreaker b = breaker();
      long old = b.tryAcquire();
      b.forceOpen();
      assertThat(b.state()).isEqualTo(FORCED_OPEN);
      ticker.advance(Duration.ofDays(400));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      b.onFailure(old);
      b.forceOpen(); // idempotent, announced once
      assertThat(b.state()).isEqualTo(FORCED_OPEN);
      b.reset();
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.failureCount()).isZero();
      assertThat(recorder.events()).containsExactly("CLOSED->FORCED_OPEN", "FORCED_OPEN->CLOSED");
    }

    @Test
    void resetFromEveryStateGoesBackToClosedWithBaseBackoff() {
      CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
          .openTimeout(TIMEOUT).openTimeoutBackoff(2, Duration.ofHours(1)));
      fail(b, 1);
      ticker.advance(PAST);
      b.onFailure(b.tryAcquire());
      assertThat(b.backoffLevel()).isEqualTo(1);
      b.reset();
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.backoffLevel()).isZero();
      fail(b, 1);
      assertThat(b.backoffLevel()).isZero();
      ticker.advance(PAST);
      b.tryAcquire();
      b.reset();
      assertThat(b.state()).isEqualTo(CLOSED);
      assertThat(b.probesInFlight()).isZero();
      assertThat(recorder.events()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN",
          "HALF_OPEN->OPEN", "OPEN->CLOSED", "CLOSED->OPEN", "OPEN->HALF_OPEN",
          "HALF_OPEN->CLOSED");
    }

    @Test
    void resetOfAClosedBreakerIsNotAnnounced() {
      CircuitBreaker b = breaker();
      fail(b, 2);
      b.reset();
      assertThat(b.failureCount()).isZero();
      assertThat(recorder.events()).isEmpty();
    }

    @Test
    void toStringShowsNameAndWord() {
      CircuitBreaker b = opened();
      assertThat(b.toString()).startsWith("CircuitBreaker{name=test, OPEN[gen=1, level=0");
    }
  }
}
