package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Call statistics: what is counted, once, and what is not; and nothing lost under threads. */
class StatsTest {
  final FakeTicker ticker = new FakeTicker();

  CircuitBreaker breaker(CircuitBreakerConfig.Builder b) {
    return CircuitBreaker.of("stats", b.ticker(ticker).build());
  }

  @Test
  void withoutRecordStatsEveryCountIsZeroAndSaysSo() throws Exception {
    CircuitBreaker b = CircuitBreaker.ofDefaults("plain");
    b.call(() -> "x");
    CircuitBreakerStats s = b.stats();
    assertThat(s.isRecording()).isFalse();
    assertThat(s.successfulCalls()).isZero();
    assertThat(s.toString()).contains("not recording");
    assertThat(b.config().isRecordingStats()).isFalse();
  }

  @Test
  void eachOutcomeAndRejectionIsCountedOnce() throws Exception {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(3)
        .ignoreExceptions(IllegalArgumentException.class).recordStats());
    b.call(() -> "ok");
    b.run(() -> { });
    b.supply(() -> 1);
    try {
      b.call(() -> {
        throw new IllegalArgumentException("caller bug: ignored");
      });
    } catch (IllegalArgumentException expected) {
      // counted as ignored
    }
    for (int i = 0; i < 3; i++) {
      try {
        b.call(() -> {
          throw new IOException("down");
        });
      } catch (IOException expected) {
        // counted as failed
      }
    }
    assertThat(b.tryAcquire()).isEqualTo(REJECTED); // OPEN
    try {
      b.call(() -> "rejected");
    } catch (CallNotPermittedException expected) {
      // counted as rejected
    }
    CircuitBreakerStats s = b.stats();
    assertThat(s.isRecording()).isTrue();
    assertThat(s.successfulCalls()).isEqualTo(3);
    assertThat(s.failedCalls()).isEqualTo(3);
    assertThat(s.ignoredCalls()).isEqualTo(1);
    assertThat(s.rejectedCalls()).isEqualTo(2);
    assertThat(s.stateTransitions()).isEqualTo(1);
    assertThat(s.successRate()).isCloseTo(0.5, within(1e-9));
    assertThat(s.timedCalls()).isZero(); // latency not recorded
  }

  @Test
  void manualReportsCountToo_evenWithAStalePermit() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().recordStats());
    long stale = b.tryAcquire();
    b.reset();
    b.onSuccess(stale); // ignored by the state machine, but the call did succeed
    b.onFailure(b.tryAcquire());
    b.onIgnored(b.tryAcquire());
    b.onSuccess(b.tryAcquire(), 1_000);
    CircuitBreakerStats s = b.stats();
    assertThat(s.successfulCalls()).isEqualTo(2);
    assertThat(s.failedCalls()).isEqualTo(1);
    assertThat(s.ignoredCalls()).isEqualTo(1);
    assertThat(s.stateTransitions()).isZero(); // CLOSED -> CLOSED is not a transition
  }

  @Test
  void asyncCallsAndCancellationsAreCounted() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().recordStats());
    CompletableFuture<String> op = new CompletableFuture<>();
    b.callAsync(() -> op);
    op.complete("v");
    b.callAsync(() -> new CompletableFuture<String>()).toCompletableFuture().cancel(true);
    assertThat(b.stats().successfulCalls()).isEqualTo(1);
    assertThat(b.stats().ignoredCalls()).isEqualTo(1);
  }

  @Test
  void disabledCountsNothing() throws Exception {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().recordStats());
    b.disable();
    b.call(() -> "x");
    b.onFailure(b.tryAcquire());
    assertThat(b.stats().successfulCalls()).isZero();
    assertThat(b.stats().failedCalls()).isZero();
    assertThat(b.stats().stateTransitions()).isEqualTo(1); // the switch itself
  }

  @Test
  void latencyIsTheSumOfTimedCalls() throws Exception {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().recordLatency());
    assertThat(b.config().isRecordingStats()).isTrue();
    b.call(() -> {
      ticker.advance(Duration.ofMillis(30));
      return "slow";
    });
    try {
      b.call(() -> {
        ticker.advance(Duration.ofMillis(10));
        throw new IOException("fast failure");
      });
    } catch (IOException expected) {
      // a failure is timed too
    }
    CircuitBreakerStats s = b.stats();
    assertThat(s.timedCalls()).isEqualTo(2);
    assertThat(s.totalLatency()).isEqualTo(Duration.ofMillis(40));
    assertThat(s.averageLatency()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void timeSinceTheLastTransitionFollowsTheTicker() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1).recordStats());
    assertThat(b.stats().timeSinceLastTransition()).isNull();
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(7));
    assertThat(b.stats().timeSinceLastTransition()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void successRateIsOneBeforeAnyCall() {
    assertThat(breaker(CircuitBreakerConfig.builder().recordStats()).stats().successRate())
        .isEqualTo(1.0);
  }

  @Test
  void toBuilderKeepsTheStatsSettings() {
    CircuitBreakerConfig c = CircuitBreakerConfig.builder().recordLatency().build();
    assertThat(c.toBuilder().build().isRecordingLatency()).isTrue();
    assertThat(CircuitBreakerConfig.builder().recordStats().build().toBuilder().build()
        .isRecordingLatency()).isFalse();
  }

  /** Conservation: what 4 threads add, the stats hold, exactly, once they are done. */
  @Test
  void nothingIsLostUnderContention() throws Exception {
    CircuitBreaker b = CircuitBreaker.of("hammer", CircuitBreakerConfig.builder()
        .failureThreshold(65_535).recordStats().build());
    int threads = 4;
    int calls = 200_000;
    AtomicLong expectedFailures = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      final int id = t;
      workers[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        long failures = 0;
        for (int i = 0; i < calls; i++) {
          long p = b.tryAcquire();
          if ((i + id) % 10 == 0) {
            b.onFailure(p);
            failures++;
          } else {
            b.onSuccess(p);
          }
        }
        expectedFailures.addAndGet(failures);
      });
      workers[t].start();
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    CircuitBreakerStats s = b.stats();
    assertThat(s.successfulCalls() + s.failedCalls()).isEqualTo((long) threads * calls);
    assertThat(s.failedCalls()).isEqualTo(expectedFailures.get());
  }

  @Test
  void countingAllocatesNothingPerCall() {
    CircuitBreaker b = CircuitBreaker.of("alloc", CircuitBreakerConfig.builder()
        .failureThreshold(1000).recordStats().build());
    long bytes = AllocationTest.allocatedBy(() -> AllocationTest.closedTraffic(b));
    assertThat(bytes).isLessThan(1024);
  }

  @Test
  void aPluggedLatencyRecorderGetsTheDurationsAndStatsReadThem() throws Exception {
    java.util.Map<String, long[]> timers = new java.util.concurrent.ConcurrentHashMap<>();
    CircuitBreakerConfig c = CircuitBreakerConfig.builder().ticker(ticker)
        .recordLatency(name -> {
          long[] t = timers.computeIfAbsent(name, n -> new long[2]);
          return new LatencyRecorder() {
            @Override
            public synchronized void record(long nanos) {
              t[0]++;
              t[1] += nanos;
            }

            @Override
            public synchronized long count() {
              return t[0];
            }

            @Override
            public synchronized long totalNanos() {
              return t[1];
            }
          };
        }).build();
    CircuitBreaker b = CircuitBreaker.of("api", c);
    b.call(() -> {
      ticker.advance(Duration.ofMillis(8));
      return "x";
    });
    assertThat(timers.get("api")).containsExactly(1, 8_000_000);
    assertThat(b.stats().timedCalls()).isEqualTo(1);
    assertThat(b.stats().totalLatency()).isEqualTo(Duration.ofMillis(8));
    assertThat(c.toBuilder().build().isRecordingLatency()).isTrue();
  }

  @Test
  void aThrowingLatencyRecorderAffectsNothing() throws Exception {
    CircuitBreaker b = CircuitBreaker.of("api", CircuitBreakerConfig.builder().failureThreshold(1)
        .recordLatency(name -> new LatencyRecorder() {
          @Override
          public void record(long nanos) {
            throw new IllegalStateException("broken timer");
          }

          @Override
          public long count() {
            throw new IllegalStateException("broken timer");
          }

          @Override
          public long totalNanos() {
            return 0;
          }
        }).build());
    assertThat(b.call(() -> "x")).isEqualTo("x");
    assertThat(b.stats().successfulCalls()).isEqualTo(1);
    assertThat(b.stats().timedCalls()).isZero();
  }
}
