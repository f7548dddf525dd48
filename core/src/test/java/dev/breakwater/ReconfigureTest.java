package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link CircuitBreakerRegistry#reconfigure}: each rule of DESIGN.md, "Reconfiguration". */
class ReconfigureTest {
  private final FakeTicker ticker = new FakeTicker(-3_000_000_000L);
  private final List<String> events = new ArrayList<>();
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.builder()
      .ticker(ticker).build();

  {
    registry.onEvent((event, b) -> events.add(event + " " + b.name()));
  }

  private CircuitBreakerConfig.Builder config() {
    return CircuitBreakerConfig.builder().ticker(ticker);
  }

  private CircuitBreaker breaker(CircuitBreakerConfig.Builder c) {
    return registry.breaker("b", c.build());
  }

  private static void fail(CircuitBreaker b, int n) {
    for (int i = 0; i < n; i++) {
      b.onFailure(b.tryAcquire());
    }
  }

  @Nested
  class Registry {
    @Test
    void sameInstanceNewConfigOneEvent() {
      CircuitBreaker b = breaker(config().failureThreshold(5));
      CircuitBreakerConfig next = config().failureThreshold(2).build();
      assertThat(registry.reconfigure("b", next)).isTrue();
      assertThat(registry.breaker("b")).isSameAs(b);
      assertThat(b.config()).isSameAs(next);
      assertThat(events).containsExactly("ADDED b", "RECONFIGURED b");
    }

    @Test
    void unknownNameIsFalseAndSilent() {
      assertThat(registry.reconfigure("nobody", config().build())).isFalse();
      assertThat(registry.size()).isZero();
      assertThat(events).isEmpty();
    }

    @Test
    void namedConfigs() {
      CircuitBreakerConfig exchange = CircuitBreakerConfig.builder().failureThreshold(7).build();
      CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().addConfig("exchange", exchange)
          .build();
      CircuitBreaker b = r.breaker("kraken");
      assertThat(r.reconfigure("kraken", "exchange")).isTrue();
      assertThat(b.config()).isSameAs(exchange);
      assertThatThrownBy(() -> r.reconfigure("kraken", "nope"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void nullArgumentsAreNamed() {
      assertThatThrownBy(() -> registry.reconfigure(null, config().build()))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("name");
      assertThatThrownBy(() -> registry.reconfigure("b", (CircuitBreakerConfig) null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("config");
    }

    @Test
    void registryListenersKeepHearingTransitions() {
      List<String> seen = new ArrayList<>();
      registry.onStateChange((b, from, to) -> seen.add(from + ">" + to));
      CircuitBreaker b = breaker(config().failureThreshold(3));
      registry.reconfigure("b", config().failureThreshold(1).build());
      fail(b, 1);
      assertThat(seen).containsExactly("CLOSED>OPEN");
    }
  }

  @Nested
  class Word {
    @Test
    void anOpenBreakerKeepsItsDeadlineAndTheNewTimeoutAppliesFromTheNextOpening() {
      CircuitBreaker b = breaker(config().failureThreshold(1).successThreshold(1)
          .halfOpenMaxCalls(1).openTimeout(Duration.ofSeconds(60)));
      fail(b, 1);
      ticker.advance(Duration.ofSeconds(10));
      Duration before = b.remainingOpenTime();
      // 100 ms and 10 days use other deadline units than 60 s: the word keeps its own
      for (Duration timeout : new Duration[] {Duration.ofMillis(100), Duration.ofDays(10)}) {
        registry.reconfigure("b", config().failureThreshold(1).successThreshold(1)
            .halfOpenMaxCalls(1).openTimeout(timeout).build());
        assertThat(b.state()).isEqualTo(OPEN);
        assertThat(b.remainingOpenTime()).isEqualTo(before);
      }
      ticker.advance(Duration.ofSeconds(50).minusNanos(1));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED); // not early
      ticker.advance(Duration.ofMillis(1));
      long probe = b.tryAcquire();
      assertThat(probe).isNotEqualTo(REJECTED);
      b.onFailure(probe); // re-opens under the new config: 10 days
      assertThat(b.state()).isEqualTo(OPEN);
      assertThat(b.remainingOpenTime()).isBetween(Duration.ofDays(10),
          Duration.ofDays(10).plusMillis(17));
    }

    @Test
    void thePermitsOfTheCurrentGenerationStayValid() {
      CircuitBreaker b = breaker(config().failureThreshold(3));
      long permit = b.tryAcquire();
      registry.reconfigure("b", config().failureThreshold(1).build());
      b.onFailure(permit); // admitted before, reported after: it counts
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void consecutiveFailuresCarryOverAndALoweredThresholdTripsAtTheNextFailure() {
      CircuitBreaker b = breaker(config().failureThreshold(10));
      fail(b, 4);
      registry.reconfigure("b", config().failureThreshold(3).build());
      assertThat(b.state()).isEqualTo(CLOSED); // not at the reconfiguration
      assertThat(b.failureCount()).isEqualTo(4);
      fail(b, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void aLevelAboveTheNewTopCountsAsTheTop() {
      CircuitBreaker b = breaker(config().failureThreshold(1).successThreshold(1)
          .halfOpenMaxCalls(1).openTimeout(Duration.ofSeconds(1))
          .openTimeoutBackoff(2.0, Duration.ofSeconds(64)));
      fail(b, 1);
      for (int i = 0; i < 3; i++) { // three probe failures: level 3, an 8 s wait
        ticker.advance(Duration.ofSeconds(100));
        b.onFailure(b.tryAcquire());
      }
      assertThat(b.backoffLevel()).isEqualTo(3);
      registry.reconfigure("b", config().failureThreshold(1).successThreshold(1)
          .halfOpenMaxCalls(1).openTimeout(Duration.ofSeconds(5)).build()); // no backoff
      ticker.advance(Duration.ofSeconds(100));
      b.onFailure(b.tryAcquire());
      assertThat(b.backoffLevel()).isZero();
      assertThat(b.remainingOpenTime()).isBetween(Duration.ofSeconds(5),
          Duration.ofSeconds(5).plusMillis(1));
    }

    @Test
    void aRaisedProbeLimitAdmitsMoreProbesAndTheirProgressIsNeverTakenForAHang() {
      CircuitBreaker b = breaker(config().failureThreshold(1).successThreshold(3)
          .halfOpenMaxCalls(1).openTimeout(Duration.ofSeconds(10)));
      fail(b, 1);
      ticker.advance(Duration.ofSeconds(11));
      long first = b.tryAcquire(); // the only slot: the entry stamps "full"
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      registry.reconfigure("b", config().failureThreshold(1).successThreshold(3)
          .halfOpenMaxCalls(2).openTimeout(Duration.ofSeconds(10)).build());
      ticker.advance(Duration.ofSeconds(9));
      long second = b.tryAcquire(); // the new slot; the old stamp must go with it
      assertThat(second).isNotEqualTo(REJECTED);
      assertThat(b.probesInFlight()).isEqualTo(2);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED); // stamps now
      ticker.advance(Duration.ofSeconds(5)); // 14 s after the first probe, 5 s after the second
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(HALF_OPEN); // not hung: the second probe is 5 s old
      b.onSuccess(first);
      b.onSuccess(second);
      assertThat(b.successCount()).isEqualTo(2);
    }

    @Test
    void aHungStampInAnotherUnitIsStampedAgainNeverEarly() {
      CircuitBreaker b = breaker(config().failureThreshold(1).halfOpenMaxCalls(1)
          .openTimeout(Duration.ofSeconds(60)));
      fail(b, 1);
      ticker.advance(Duration.ofSeconds(61));
      assertThat(b.tryAcquire()).isNotEqualTo(REJECTED); // hangs; stamped in 60 s's unit
      ticker.advance(Duration.ofSeconds(50));
      registry.reconfigure("b", config().failureThreshold(1).halfOpenMaxCalls(1)
          .openTimeout(Duration.ofSeconds(10)).build()); // another unit
      assertThat(b.config().sinceShift).isNotEqualTo(CircuitBreakerConfig.builder()
          .openTimeout(Duration.ofSeconds(60)).build().sinceShift);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED); // stamps again, in the new unit
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      ticker.advance(Duration.ofSeconds(10).minusMillis(1));
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(HALF_OPEN); // never early by the new timeout
      ticker.advance(Duration.ofMillis(100)); // the rounding: under 1/100 of 10 s
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(OPEN); // hung, by the new timeout
    }

    @Test
    void aHungStampInTheSameUnitIsJudgedByTheNewTimeout() {
      CircuitBreaker b = breaker(config().failureThreshold(1).halfOpenMaxCalls(1)
          .openTimeout(Duration.ofSeconds(60)));
      fail(b, 1);
      ticker.advance(Duration.ofSeconds(61));
      b.tryAcquire(); // hangs
      ticker.advance(Duration.ofSeconds(45));
      registry.reconfigure("b", config().failureThreshold(1).halfOpenMaxCalls(1)
          .openTimeout(Duration.ofSeconds(40)).build()); // same unit (2^27 ns) as 60 s
      assertThat(b.config().sinceShift).isEqualTo(CircuitBreakerConfig.builder()
          .openTimeout(Duration.ofSeconds(60)).build().sinceShift);
      assertThat(b.tryAcquire()).isEqualTo(REJECTED);
      assertThat(b.state()).isEqualTo(OPEN); // 45 s > 40 s
    }

    @Test
    void aTickerOfAnotherTimeBaseIsRefused() {
      breaker(config());
      assertThatThrownBy(() -> registry.reconfigure("b",
          CircuitBreakerConfig.builder().ticker(new FakeTicker()).build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ticker");
      assertThat(registry.breaker("b").config().ticker).isSameAs(ticker);
    }

    @Test
    void theSystemTickerAndCachedTickersShareATimeBase() {
      CircuitBreaker b = registry.breaker("sys", CircuitBreakerConfig.defaults());
      CircuitBreakerConfig cached = CircuitBreakerConfig.builder().ticker(Ticker.cached()).build();
      assertThat(registry.reconfigure("sys", cached)).isTrue();
      assertThat(registry.reconfigure("sys", CircuitBreakerConfig.defaults())).isTrue();
      assertThat(b.config().ticker).isSameAs(Ticker.systemTicker());
    }
  }

  @Nested
  class Concurrent {
    @Test
    void racingReconfigurationsConvergeOnTheConfigInstalledLast() throws Exception {
      CircuitBreaker b = breaker(config());
      CircuitBreakerConfig[] configs = {
          config().slidingWindow(SlidingWindowType.COUNT_BASED, 10).recordStats().build(),
          config().slidingWindow(SlidingWindowType.COUNT_BASED, 20).build(),
          config().failureThreshold(3).recordLatency().build()};
      for (int round = 0; round < 200; round++) {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        int r = round;
        Thread other = new Thread(() -> {
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          registry.reconfigure("b", configs[(r + 1) % 3]);
        });
        other.start();
        start.await();
        registry.reconfigure("b", configs[r % 3]);
        other.join();
        // whichever was installed last, window and statistics fit it
        CircuitBreakerConfig c = b.config();
        SlidingWindow w = b.slidingWindow();
        if (c.slidingWindowType() == null) {
          assertThat(w).as("round " + r).isNull();
        } else {
          assertThat(w.hasShapeOf(c)).as("round " + r).isTrue();
        }
        assertThat(b.stats().isRecording()).as("round " + r).isEqualTo(c.isRecordingStats());
      }
    }
  }

  @Nested
  class Window {
    private CircuitBreakerConfig.Builder counting(int size) {
      return config().slidingWindow(SlidingWindowType.COUNT_BASED, size).minimumNumberOfCalls(4);
    }

    @Test
    void theSameShapeKeepsItsCountsAndTheNewThresholdsJudgeThem() {
      CircuitBreaker b = breaker(counting(10).failureRateThreshold(80));
      b.onSuccess(b.tryAcquire());
      b.onSuccess(b.tryAcquire());
      fail(b, 2); // 50%: below 80
      SlidingWindow before = b.slidingWindow();
      registry.reconfigure("b", counting(10).failureRateThreshold(50).build());
      assertThat(b.slidingWindow()).isSameAs(before);
      assertThat(b.metrics().calls()).isEqualTo(4);
      assertThat(b.state()).isEqualTo(CLOSED); // judged at the next outcome
      fail(b, 1); // 3 of 5 = 60% >= 50
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void anotherShapeStartsEmpty() {
      CircuitBreaker b = breaker(counting(10));
      fail(b, 3);
      registry.reconfigure("b", counting(20).build());
      assertThat(b.metrics().calls()).isZero();
      registry.reconfigure("b", config().slidingWindow(SlidingWindowType.TIME_BASED,
          Duration.ofSeconds(10)).build());
      assertThat(b.metrics().type()).isEqualTo(SlidingWindowType.TIME_BASED);
      assertThat(b.metrics().calls()).isZero();
      assertThat(b.state()).isEqualTo(CLOSED);
    }

    @Test
    void aTimeWindowOfTheSameBucketLengthKeepsItsCounts() {
      CircuitBreaker b = breaker(config().slidingWindow(SlidingWindowType.TIME_BASED,
          Duration.ofSeconds(10)).minimumNumberOfCalls(100));
      fail(b, 5);
      registry.reconfigure("b", config().slidingWindow(SlidingWindowType.TIME_BASED,
          Duration.ofSeconds(10)).minimumNumberOfCalls(6).build());
      assertThat(b.metrics().calls()).isEqualTo(5);
      fail(b, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void switchingCountingModeZeroesTheConsecutiveCount() {
      CircuitBreaker b = breaker(config().failureThreshold(5));
      fail(b, 3);
      registry.reconfigure("b", counting(10).build());
      assertThat(b.failureCount()).isZero();
      fail(b, 2);
      assertThat(b.metrics().failedCalls()).isEqualTo(2);
      registry.reconfigure("b", config().failureThreshold(3).build());
      assertThat(b.metrics().type()).isNull();
      fail(b, 2);
      assertThat(b.state()).isEqualTo(CLOSED); // 2 consecutive since the switch, not 5
      fail(b, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }

    @Test
    void anOpenBreakerShowsAnEmptyWindowOfTheNewShapeAndRecordsAfterClosing() {
      CircuitBreaker b = breaker(counting(4).failureRateThreshold(50).halfOpenMaxCalls(1)
          .successThreshold(1).openTimeout(Duration.ofSeconds(1)));
      fail(b, 4);
      assertThat(b.state()).isEqualTo(OPEN);
      registry.reconfigure("b", counting(8).failureRateThreshold(50).halfOpenMaxCalls(1)
          .successThreshold(1).openTimeout(Duration.ofSeconds(1)).build());
      assertThat(b.metrics().calls()).isZero();
      ticker.advance(Duration.ofSeconds(2));
      b.onSuccess(b.tryAcquire());
      assertThat(b.state()).isEqualTo(CLOSED);
      fail(b, 3);
      assertThat(b.metrics().calls()).isEqualTo(3);
      assertThat(b.state()).isEqualTo(CLOSED); // 3 < minimumNumberOfCalls
      fail(b, 1);
      assertThat(b.state()).isEqualTo(OPEN);
    }
  }

  @Nested
  class Stats {
    @Test
    void countsCarryOverWhileBothRecord() {
      CircuitBreaker b = breaker(config().failureThreshold(100).recordStats());
      b.onSuccess(b.tryAcquire());
      fail(b, 2);
      registry.reconfigure("b", config().failureThreshold(50).recordStats().build());
      b.onSuccess(b.tryAcquire());
      assertThat(b.stats().successfulCalls()).isEqualTo(2);
      assertThat(b.stats().failedCalls()).isEqualTo(2);
    }

    @Test
    void turnedOnTheyStartAtZeroTurnedOffTheySaySo() {
      CircuitBreaker b = breaker(config());
      b.onSuccess(b.tryAcquire());
      registry.reconfigure("b", config().recordStats().build());
      assertThat(b.stats().isRecording()).isTrue();
      assertThat(b.stats().successfulCalls()).isZero();
      b.onSuccess(b.tryAcquire());
      assertThat(b.stats().successfulCalls()).isEqualTo(1);
      registry.reconfigure("b", config().build());
      assertThat(b.stats().isRecording()).isFalse();
      assertThat(b.stats().successfulCalls()).isZero();
    }

    @Test
    void aCallStartedUntimedIsNotMeasuredWhenTimingIsTurnedOnMeanwhile() throws Exception {
      CircuitBreaker b = breaker(config().recordStats()
          .slidingWindow(SlidingWindowType.COUNT_BASED, 10));
      CircuitBreakerConfig timed = config().recordLatency()
          .slidingWindow(SlidingWindowType.COUNT_BASED, 10)
          .slowCallDurationThreshold(Duration.ofMillis(1)).build();
      String result = b.call(() -> {
        registry.reconfigure("b", timed); // mid-call
        ticker.advance(Duration.ofSeconds(1));
        return "ok";
      });
      assertThat(result).isEqualTo("ok");
      assertThat(b.stats().successfulCalls()).isEqualTo(1);
      assertThat(b.stats().timedCalls()).isZero(); // not measured from a start never read
      assertThat(b.stats().totalLatency()).isEqualTo(Duration.ZERO);
      assertThat(b.metrics().slowCalls()).isZero(); // and not a slow call
      String second = b.call(() -> {
        ticker.advance(Duration.ofMillis(3));
        return "timed";
      });
      assertThat(second).isEqualTo("timed");
      assertThat(b.stats().timedCalls()).isEqualTo(1);
      assertThat(b.stats().totalLatency()).isEqualTo(Duration.ofMillis(3));
      assertThat(b.metrics().slowCalls()).isEqualTo(1);
    }

    @Test
    void aNewLatencyRecorderFactoryGivesANewRecorderAndKeepsTheCounts() {
      List<Long> recorded = new ArrayList<>();
      LatencyRecorder.Factory factory = name -> new LatencyRecorder() {
        @Override
        public void record(long nanos) {
          recorded.add(nanos);
        }

        @Override
        public long count() {
          return recorded.size();
        }

        @Override
        public long totalNanos() {
          return recorded.stream().mapToLong(Long::longValue).sum();
        }
      };
      CircuitBreaker b = breaker(config().recordLatency());
      b.onSuccess(b.tryAcquire());
      registry.reconfigure("b", config().recordLatency(factory).build());
      b.onSuccess(b.tryAcquire(), 5_000);
      assertThat(recorded).containsExactly(5_000L);
      assertThat(b.stats().successfulCalls()).isEqualTo(2);
      assertThat(b.stats().timedCalls()).isEqualTo(1);
    }
  }
}
