package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The time guarantees: an OPEN breaker lets its probe go never early and at most
 * max(1 us, 1/1000 of the current wait) late, for every configuration and every ticker origin
 * (near the wrap, negative); {@code retryAfter} within the same bound; and hung probes are those
 * older than the open timeout, never a probe that is making progress.
 */
class TimingTest {

  static final Duration[] TIMEOUTS = {Duration.ofMillis(1), Duration.ofMillis(7),
      Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofHours(1),
      Duration.ofDays(7), Duration.ofDays(365)};

  static final long[] ORIGINS = {0, -1, 1_000_000_000L, -5_000_000_000_000_000_000L,
      Long.MAX_VALUE - 10_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 5,
      0x5DEECE66DL * 7919};

  static List<Object[]> configs() {
    List<Object[]> out = new ArrayList<>();
    for (Duration timeout : TIMEOUTS) {
      out.add(new Object[] {timeout, 1.0, timeout});
      Duration cap = Duration.ofDays(365);
      out.add(new Object[] {timeout, 1.5, cap}); // ~ Resilience4j's uncapped exponential backoff
      Duration week = Duration.ofDays(7);
      if (timeout.compareTo(week) < 0) {
        out.add(new Object[] {timeout, 2.0, week});
      }
    }
    return out;
  }

  /** max(1 us, wait / 1000): how late HALF_OPEN may be entered, and retryAfter may overstate. */
  static long bound(long waitNanos) {
    return Math.max(1_000, waitNanos / 1_000);
  }

  @ParameterizedTest(name = "timeout={0} backoff x{1} cap {2}")
  @MethodSource("configs")
  void probesGoNeverEarlyAndAtMostTheBoundLateAtEveryLevelAndOrigin(
      Duration timeout, double multiplier, Duration cap) throws Exception {
    SplittableRandom random = new SplittableRandom(timeout.toNanos());
    for (long origin : ORIGINS) {
      FakeTicker ticker = new FakeTicker(origin);
      CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.builder().failureThreshold(1)
          .successThreshold(1).halfOpenMaxCalls(1).openTimeout(timeout).ticker(ticker);
      if (multiplier > 1.0) {
        builder.openTimeoutBackoff(multiplier, cap);
      }
      CircuitBreaker b = CircuitBreaker.of("t", builder.build());
      b.onFailure(b.tryAcquire()); // level 0
      int levels = Math.min(b.config().maxLevel, 12) + 1;
      for (int level = 0; level < levels; level++) {
        String ctx = "origin " + origin + " level " + level;
        long wait = b.config().openTimeout(level).toNanos();
        assertThat(b.backoffLevel()).as(ctx).isEqualTo(level);
        // a random instant inside the wait: rejected, and retryAfter within the bound
        long into = random.nextLong(wait);
        ticker.advanceNanos(into);
        assertRejectedWithRetryAfter(b, wait - into, ctx);
        // one nanosecond before the deadline: still rejected (never early)
        ticker.advanceNanos(wait - into - 1);
        assertRejectedWithRetryAfter(b, 1, ctx);
        // the bound after the deadline: the probe goes (at most that late)
        ticker.advanceNanos(1 + bound(wait));
        long probe = b.tryAcquire();
        assertThat(probe).as(ctx).isNotEqualTo(REJECTED);
        assertThat(b.state()).as(ctx).isEqualTo(HALF_OPEN);
        b.onFailure(probe); // re-open at the next level, at this instant
      }
    }
  }

  private static void assertRejectedWithRetryAfter(CircuitBreaker b, long remaining, String ctx)
      throws Exception {
    long wait = b.config().openTimeout(b.backoffLevel()).toNanos();
    try {
      b.call(() -> "admitted");
      throw new AssertionError(ctx + ": admitted with " + remaining + " ns left");
    } catch (CallNotPermittedException e) {
      assertThat(e.state()).as(ctx).isEqualTo(OPEN);
      assertThat(e.retryAfterNanos()).as(ctx).isBetween(remaining, remaining + bound(wait));
    }
    assertThat(b.remainingOpenTime().toNanos()).as(ctx)
        .isBetween(remaining, remaining + bound(wait));
  }

  /** The repro: 5 s timeout, backoff x1.5 capped at 365 days, every origin. */
  @Test
  void aFiveSecondWaitWithAYearLongCapLastsFiveSeconds() {
    for (long origin : ORIGINS) {
      FakeTicker ticker = new FakeTicker(origin);
      CircuitBreaker b = CircuitBreaker.of("t", CircuitBreakerConfig.builder().failureThreshold(1)
          .openTimeout(Duration.ofSeconds(5)).openTimeoutBackoff(1.5, Duration.ofDays(365))
          .ticker(ticker).build());
      b.onFailure(b.tryAcquire());
      ticker.advanceNanos(5_000_000_000L - 1);
      assertThat(b.remainingOpenTime()).isBetween(Duration.ofNanos(1), Duration.ofMillis(5));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      ticker.advanceNanos(5_000_000L + 1);
      assertThat(b.tryAcquire()).as("origin " + origin).isNotEqualTo(REJECTED);
    }
  }

  /** The repro of a wrap with a large unit: MAX - 10 s, 60 s timeout, 7-day cap. */
  @Test
  void aTickerThatWrapsDuringTheWaitNeverLetsAProbeGoEarly() {
    FakeTicker ticker = new FakeTicker(Long.MAX_VALUE - 10_000_000_000L);
    CircuitBreaker b = CircuitBreaker.of("t", CircuitBreakerConfig.builder().failureThreshold(1)
        .openTimeout(Duration.ofSeconds(60)).openTimeoutBackoff(2.0, Duration.ofDays(7))
        .ticker(ticker).build());
    b.onFailure(b.tryAcquire());
    for (int s = 1; s < 60; s++) {
      ticker.advance(Duration.ofSeconds(1)); // crosses Long.MAX_VALUE after 10 s
      assertThat(b.tryAcquire()).as(s + " s after tripping").isEqualTo(REJECTED);
    }
    ticker.advance(Duration.ofMillis(1_060)); // 60 s + 60 ms (the bound)
    assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
  }

  /** HALF_OPEN's stamp wraps continuously too, with the longest base timeout. */
  @Test
  void hungProbeDetectionIsNeverEarlyAcrossTheWrapWithTheLongestTimeout() {
    Duration timeout = Duration.ofDays(365);
    FakeTicker ticker = new FakeTicker(Long.MAX_VALUE - Duration.ofDays(400).toNanos());
    CircuitBreaker b = CircuitBreaker.of("t", CircuitBreakerConfig.builder().failureThreshold(1)
        .halfOpenMaxCalls(1).openTimeout(timeout).ticker(ticker).build());
    b.onFailure(b.tryAcquire());
    ticker.advance(timeout.plusDays(1));
    assertThat(b.tryAcquire()).isNotEqualTo(REJECTED); // the probe, 34 days before the wrap
    for (int day = 1; day < 365; day += 7) {
      ticker.advance(Duration.ofDays(7));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).as("day " + day).isEqualTo(HALF_OPEN); // not hung yet
    }
    // 366 days after the stamp: within two stamp units (2^46 ns, 19.5 h each) of the timeout,
    // the documented lateness (at most 1/128 of the timeout); a day later it must be hung
    ticker.advance(Duration.ofDays(3));
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(OPEN); // now it is
  }

  /**
   * The repro of a healthy probe declared hung: open timeout 1 s, success threshold 5,
   * one slot, probes that succeed after 400 ms, a caller every 100 ms. Each probe makes progress,
   * so none may be declared hung, and the fifth success closes the breaker.
   */
  @Test
  void probesThatMakeProgressAreNeverDeclaredHung() {
    FakeTicker ticker = new FakeTicker();
    Recorder recorder = new Recorder();
    CircuitBreaker b = CircuitBreaker.of("t", CircuitBreakerConfig.builder().failureThreshold(1)
        .successThreshold(5).halfOpenMaxCalls(1).openTimeout(Duration.ofSeconds(1))
        .ticker(ticker).build()).onStateChange(recorder);
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofMillis(1_100));
    long probe = REJECTED;
    long probeStarted = 0;
    for (int tick = 0; tick < 100 && b.state() != CLOSED; tick++) {
      if (probe != REJECTED && ticker.now() - probeStarted >= 400_000_000L) {
        b.onSuccess(probe);
        probe = REJECTED;
      }
      long p = b.tryAcquire(); // steady traffic: a caller every 100 ms
      if (p != REJECTED) {
        assertThat(probe).as("one slot").isEqualTo(REJECTED);
        probe = p;
        probeStarted = ticker.now();
      }
      ticker.advance(Duration.ofMillis(100));
    }
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(recorder.events()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN",
        "HALF_OPEN->CLOSED");
  }

  /**
   * Probes are hung once every one in flight is older than the open timeout, counted from the
   * first caller that found every slot taken (each probe in flight was admitted before it); a
   * report or a new probe starts the count again.
   */
  @Test
  void probesAreHungOnceEveryOneInFlightIsOlderThanTheTimeout() {
    FakeTicker ticker = new FakeTicker();
    CircuitBreaker b = CircuitBreaker.of("t", CircuitBreakerConfig.builder().failureThreshold(1)
        .successThreshold(5).halfOpenMaxCalls(2).openTimeout(Duration.ofSeconds(1))
        .ticker(ticker).build());
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofMillis(1_100));
    long first = b.tryAcquire(); // hangs forever
    assertThat(first).isNotEqualTo(REJECTED);
    ticker.advance(Duration.ofMillis(900));
    long second = b.tryAcquire(); // fills the slots 900 ms after the first
    assertThat(second).isNotEqualTo(REJECTED);
    assertThat(b.tryAcquire()).isEqualTo(REJECTED); // found full: the count starts here
    ticker.advance(Duration.ofMillis(500)); // first is 1.4 s old, second 0.5 s: not hung
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    b.onSuccess(second); // progress frees a slot...
    long third = b.tryAcquire(); // ...and the next probe fills it again
    assertThat(b.tryAcquire()).isEqualTo(REJECTED); // found full again: the count restarts
    ticker.advance(Duration.ofMillis(999));
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(HALF_OPEN); // third is 999 ms old
    ticker.advance(Duration.ofMillis(2)); // every probe in flight is now older than 1 s
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(OPEN);
    b.onSuccess(third); // stale now
    assertThat(b.state()).isEqualTo(OPEN);
  }

  /**
   * The price of keeping probe admission free of clock reads: with no caller between the slots
   * filling and the first caller that finds them full, the count starts at that caller, so a
   * hung probe is declared up to that gap late (never early: the probe is older still).
   */
  @Test
  void withSparseTrafficTheVerdictIsLateByAtMostTheGapBeforeTheFirstRejectedCaller() {
    FakeTicker ticker = new FakeTicker();
    CircuitBreaker b = CircuitBreaker.of("t", CircuitBreakerConfig.builder().failureThreshold(1)
        .successThreshold(5).halfOpenMaxCalls(2).openTimeout(Duration.ofSeconds(1))
        .ticker(ticker).build());
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofMillis(1_100));
    b.tryAcquire();
    b.tryAcquire(); // both slots taken; both probes hang
    ticker.advance(Duration.ofSeconds(5)); // nobody calls for 5 s
    assertThat(b.tryAcquire()).isEqualTo(REJECTED); // the first caller: the count starts
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    ticker.advance(Duration.ofMillis(1_002));
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(OPEN); // 6 s after the probes started, 1 s after the count
  }

  @Test
  void remainingOpenTimeIsZeroOutsideOpenAndForeverWhenForcedOpen() {
    FakeTicker ticker = new FakeTicker();
    CircuitBreaker b = CircuitBreaker.of("t", CircuitBreakerConfig.builder().failureThreshold(1)
        .openTimeout(Duration.ofSeconds(1)).ticker(ticker).build());
    assertThat(b.remainingOpenTime()).isEqualTo(Duration.ZERO);
    b.onFailure(b.tryAcquire());
    assertThat(b.remainingOpenTime()).isBetween(Duration.ofSeconds(1),
        Duration.ofSeconds(1).plusMillis(1));
    ticker.advance(Duration.ofSeconds(2));
    assertThat(b.remainingOpenTime()).isEqualTo(Duration.ZERO); // due: the next call probes
    assertThat(b.state()).isEqualTo(OPEN);
    b.forceOpen();
    assertThat(b.remainingOpenTime()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
  }
}
