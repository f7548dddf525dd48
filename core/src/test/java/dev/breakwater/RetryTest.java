package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final FakeTicker ticker = new FakeTicker();
  private final List<Long> sleeps = new ArrayList<>();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);

  private Retry.Builder retry() {
    return Retry.builder().ticker(ticker).scheduler(scheduler).sleeper(n -> {
      sleeps.add(n);
      ticker.advanceNanos(n);
    });
  }

  /** Fails {@code failures} times with {@code e}, then returns "ok". */
  private static java.util.concurrent.Callable<String> failing(int failures, Exception e,
      AtomicInteger calls) {
    return () -> {
      if (calls.incrementAndGet() <= failures) {
        throw e;
      }
      return "ok";
    };
  }

  @Test
  void retriesUntilSuccessWithinMaxAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Retry r = retry().maxAttempts(3).jitter(Retry.Jitter.NONE).build();
    assertThat(r.call(failing(2, new IOException("x"), calls))).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    assertThat(sleeps).containsExactly(100_000_000L, 200_000_000L);
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailureUnchanged() {
    AtomicInteger calls = new AtomicInteger();
    IOException last = new IOException("still down");
    Retry r = retry().maxAttempts(4).build();
    assertThatThrownBy(() -> r.call(failing(10, last, calls))).isSameAs(last);
    assertThat(calls).hasValue(4);
  }

  @Test
  void exponentialBackoffIsCappedAndJitterStaysInItsRange() {
    Retry none = retry().exponentialBackoff(Duration.ofMillis(10), 3.0, Duration.ofMillis(100))
        .jitter(Retry.Jitter.NONE).build();
    assertThat(none.delayNanos(1)).isEqualTo(10_000_000L);
    assertThat(none.delayNanos(2)).isEqualTo(30_000_000L);
    assertThat(none.delayNanos(3)).isEqualTo(90_000_000L);
    assertThat(none.delayNanos(4)).isEqualTo(100_000_000L);
    assertThat(none.delayNanos(60)).isEqualTo(100_000_000L); // no overflow
    Retry full = retry().exponentialBackoff(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1))
        .jitter(Retry.Jitter.FULL).build();
    Retry prop = retry().exponentialBackoff(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1))
        .proportionalJitter(0.25).build();
    long seenLow = Long.MAX_VALUE;
    long seenHigh = 0;
    for (int i = 0; i < 2_000; i++) {
      long f = full.delayNanos(3); // base 40 ms
      assertThat(f).isBetween(0L, 40_000_000L);
      long p = prop.delayNanos(3);
      assertThat(p).isBetween(30_000_000L, 50_000_000L);
      seenLow = Math.min(seenLow, f);
      seenHigh = Math.max(seenHigh, f);
    }
    assertThat(seenLow).isLessThan(4_000_000L); // the draws really spread over [0, 40 ms]
    assertThat(seenHigh).isGreaterThan(36_000_000L);
  }

  @Test
  void maxDurationStopsRetriesWhoseWaitWouldEndAfterIt() {
    AtomicInteger calls = new AtomicInteger();
    Retry r = retry().maxAttempts(100).fixedBackoff(Duration.ofMillis(300))
        .jitter(Retry.Jitter.NONE).maxDuration(Duration.ofSeconds(1)).build();
    assertThatThrownBy(() -> r.call(failing(100, new IOException("x"), calls)))
        .isInstanceOf(IOException.class);
    assertThat(calls).hasValue(4); // at 0, 300, 600, 900 ms; a wait to 1,200 would pass 1 s
  }

  @Test
  void retryOnAndAbortOnDecideWhatIsRetried() throws Exception {
    Retry onlyIo = retry().retryOn(IOException.class).abortOn(java.io.FileNotFoundException.class)
        .build();
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> onlyIo.call(failing(1, new IllegalStateException("no"), calls)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
    calls.set(0);
    assertThatThrownBy(() -> onlyIo.call(failing(1, new java.io.FileNotFoundException(), calls)))
        .isInstanceOf(java.io.FileNotFoundException.class);
    assertThat(calls).hasValue(1);
    calls.set(0);
    assertThat(onlyIo.call(failing(1, new IOException(), calls))).isEqualTo("ok");
    Retry byPredicate = retry().retryOn(t -> t.getMessage() != null
        && t.getMessage().contains("503")).build();
    calls.set(0);
    assertThat(byPredicate.call(failing(2, new IOException("HTTP 503"), calls))).isEqualTo("ok");
  }

  @Test
  void anOpenBreakerAFullBulkheadAndErrorsAreNeverRetried() {
    Retry r = retry().maxAttempts(5).build();
    CircuitBreaker open = CircuitBreaker.of("b", CircuitBreakerConfig.builder()
        .failureThreshold(1).build());
    open.forceOpen();
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> r.call(() -> open.call(() -> calls.incrementAndGet())))
        .isInstanceOf(CallNotPermittedException.class);
    Bulkhead full = Bulkhead.of("x", 1);
    full.tryAcquire();
    assertThatThrownBy(() -> r.call(() -> full.call(() -> "x")))
        .isInstanceOf(BulkheadFullException.class);
    assertThatThrownBy(() -> r.call(() -> {
      calls.incrementAndGet();
      throw new AssertionError("bug");
    })).isInstanceOf(AssertionError.class);
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aRetriedResultIsRetriedAndTheLastOneReturned() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Retry r = retry().maxAttempts(3).retryOnResult(v -> "busy".equals(v)).build();
    assertThat(r.call(() -> calls.incrementAndGet() < 3 ? "busy" : "done")).isEqualTo("done");
    calls.set(0);
    assertThat(r.call(() -> {
      calls.incrementAndGet();
      return "busy";
    })).isEqualTo("busy");
    assertThat(calls).hasValue(3);
  }

  @Test
  void theBudgetTurnsRetriesIntoImmediateFailuresDuringAnOutage() {
    RetryBudget budget = RetryBudget.of(0.1, Duration.ofSeconds(10), 2, ticker);
    Retry r = retry().maxAttempts(3).budget(budget).build();
    AtomicInteger calls = new AtomicInteger();
    for (int i = 0; i < 20; i++) { // 20 calls to a dead dependency
      assertThatThrownBy(() -> r.call(failing(1_000, new IOException(), calls)))
          .isInstanceOf(IOException.class);
    }
    // budget: 10% of 20 calls + 2 = 4 retries; without it there would be 40
    assertThat(budget.retries()).isEqualTo(4);
    assertThat(calls).hasValue(24);
    ticker.advance(Duration.ofSeconds(11)); // the period has slid past the outage
    assertThat(budget.calls()).isZero();
    assertThat(budget.retries()).isZero();
  }

  @Test
  void asyncRetriesWaitOnTheSchedulerNotOnAThread() {
    AtomicInteger calls = new AtomicInteger();
    Retry r = retry().maxAttempts(3).fixedBackoff(Duration.ofSeconds(1))
        .jitter(Retry.Jitter.NONE).build();
    CompletableFuture<String> f = r.callAsync(() -> calls.incrementAndGet() < 3
        ? CompletableFuture.failedFuture(new IOException("x"))
        : CompletableFuture.completedFuture("ok"));
    assertThat(calls).hasValue(1);
    assertThat(f).isNotDone();
    scheduler.advance(Duration.ofMillis(999));
    assertThat(calls).hasValue(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(calls).hasValue(2);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(f).isCompletedWithValue("ok");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void cancellingAnAsyncRetryCancelsTheAttemptAndStartsNoOther() {
    AtomicInteger calls = new AtomicInteger();
    Retry r = retry().maxAttempts(5).fixedBackoff(Duration.ofSeconds(1)).build();
    CompletableFuture<String> attempt = new CompletableFuture<>();
    CompletableFuture<String> f = r.callAsync(() -> {
      calls.incrementAndGet();
      return attempt;
    });
    f.cancel(true);
    assertThat(attempt).isCancelled();
    CompletableFuture<String> g = r.callAsync(() -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(new IOException());
    });
    assertThat(scheduler.pending()).isEqualTo(1);
    g.cancel(true);
    assertThat(scheduler.pending()).isZero(); // the wait is dropped
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(calls).hasValue(2);
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> Retry.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> Retry.builder().exponentialBackoff(Duration.ofSeconds(2), 2.0,
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max");
    assertThatThrownBy(() -> Retry.builder().proportionalJitter(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("factor");
    assertThatThrownBy(() -> Retry.builder().retryOn(String.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Throwable");
    assertThatThrownBy(() -> RetryBudget.of(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ratio");
  }
}
