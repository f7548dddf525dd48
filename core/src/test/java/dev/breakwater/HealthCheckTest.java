package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
  /** The open timeout and a millisecond: past the deadline's rounding. */
  private static final Duration PAST = Duration.ofSeconds(10).plusMillis(1);
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  /** Runs submitted checks when the test says so. */
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private final Executor executor = queued::add;
  private final AtomicInteger checks = new AtomicInteger();
  private final AtomicBoolean healthy = new AtomicBoolean(true);

  private HealthCheck.Builder check() {
    return HealthCheck.builder(() -> {
      checks.incrementAndGet();
      return healthy.get();
    }).executor(executor).scheduler(scheduler);
  }

  private CircuitBreaker breaker(HealthCheck h, int successThreshold) {
    CircuitBreaker b = CircuitBreaker.of("redis", CircuitBreakerConfig.builder().ticker(ticker)
        .failureThreshold(1).successThreshold(successThreshold).halfOpenMaxCalls(2)
        .openTimeout(Duration.ofSeconds(10)).recordStats().healthCheck(h).build());
    b.onFailure(b.tryAcquire());
    assertThat(b.state()).isEqualTo(OPEN);
    return b;
  }

  private void runQueued() {
    Runnable r;
    while ((r = queued.poll()) != null) {
      r.run();
    }
  }

  @Test
  void theSchedulerStartsTheChecksWhenTheTimeoutPassesAndTheyCloseTheBreaker() {
    CircuitBreaker b = breaker(check().build(), 3);
    scheduler.advance(Duration.ofSeconds(10).minusMillis(1));
    assertThat(b.state()).isEqualTo(OPEN);
    scheduler.advance(Duration.ofMillis(2)); // the deadline, rounded up to its unit (~1 us)
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(b.probesInFlight()).isEqualTo(1); // the check's slot
    assertThat(b.tryAcquire()).isEqualTo(REJECTED); // real calls wait for the checks
    for (int i = 1; i <= 3; i++) {
      assertThat(queued).hasSize(1); // one check at a time
      queued.poll().run(); // the next one is queued when this one passes
      assertThat(checks).hasValue(i);
    }
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(checks).hasValue(3); // exactly successThreshold checks
    assertThat(b.stats().successfulCalls()).isZero(); // checks are not calls
    assertThat(b.stats().rejectedCalls()).isEqualTo(1);
  }

  @Test
  void aRealCallAfterTheTimeoutStartsTheChecksAndIsRejected() {
    CircuitBreaker b = breaker(check().build(), 1);
    ticker.advance(Duration.ofSeconds(11)); // no scheduler tick: a caller comes first
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(queued).hasSize(1);
    scheduler.advance(Duration.ZERO); // the scheduled kick now finds HALF_OPEN: no second chain
    assertThat(queued).hasSize(1);
    runQueued();
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(checks).hasValue(1);
    assertThat(b.tryAcquire()).isNotEqualTo(REJECTED);
  }

  @Test
  void aFailingCheckReopensWithBackoffAndTheNextPeriodChecksAgain() {
    HealthCheck h = check().build();
    CircuitBreaker b = CircuitBreaker.of("redis", CircuitBreakerConfig.builder().ticker(ticker)
        .failureThreshold(1).openTimeout(Duration.ofSeconds(10))
        .openTimeoutBackoff(2.0, Duration.ofMinutes(5)).healthCheck(h).build());
    b.onFailure(b.tryAcquire());
    healthy.set(false);
    scheduler.advance(PAST);
    runQueued();
    assertThat(b.state()).isEqualTo(OPEN);
    assertThat(b.backoffLevel()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(19));
    assertThat(queued).isEmpty(); // the backed-off 20 s have not passed
    healthy.set(true);
    scheduler.advance(Duration.ofSeconds(1).plusMillis(1));
    runQueued();
    runQueued();
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(checks).hasValue(1 + 2); // one failing, then successThreshold (2) passing
  }

  @Test
  void aHungCheckCountsAsAFailedProbe() {
    CircuitBreaker b = breaker(check().checkTimeout(Duration.ofSeconds(5)).build(), 1);
    scheduler.advance(PAST);
    assertThat(queued).hasSize(1); // submitted, never run: it hangs
    scheduler.advance(Duration.ofSeconds(5).minusMillis(1));
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(b.state()).isEqualTo(OPEN);
    runQueued(); // its late verdict is ignored: stale permit
    assertThat(b.state()).isEqualTo(OPEN);
  }

  @Test
  void realCallersApplyTheHungProbeRuleToTheChecksSlot() {
    CircuitBreaker b = breaker(check().checkTimeout(Duration.ofHours(1)).build(), 1);
    ticker.advance(PAST);
    assertThat(b.tryAcquire()).isEqualTo(REJECTED); // starts the chain; the check hangs
    ticker.advance(Duration.ofSeconds(10).minusMillis(1));
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    ticker.advance(Duration.ofMillis(100));
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    assertThat(b.state()).isEqualTo(OPEN); // hung after the base open timeout
  }

  @Test
  void handOverLetsRealProbesInAfterEnoughPassingChecks() {
    CircuitBreaker b = breaker(check().handOverAfter(1).build(), 3);
    scheduler.advance(PAST);
    assertThat(b.tryAcquire()).isEqualTo(REJECTED);
    runQueued();
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(queued).isEmpty(); // the chain stopped
    long p1 = b.tryAcquire();
    long p2 = b.tryAcquire();
    assertThat(p1).isNotEqualTo(REJECTED);
    assertThat(p2).isNotEqualTo(REJECTED);
    b.onSuccess(p1);
    b.onSuccess(p2);
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(checks).hasValue(1);
  }

  @Test
  void anAsyncCheckAndARejectingExecutor() {
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    CircuitBreaker b = breaker(HealthCheck.builderAsync(() -> answer).scheduler(scheduler)
        .build(), 1);
    scheduler.advance(PAST);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    answer.complete(true);
    assertThat(b.state()).isEqualTo(CLOSED);

    CircuitBreaker c = breaker(HealthCheck.builder(() -> true).scheduler(scheduler)
        .executor(r -> {
          throw new java.util.concurrent.RejectedExecutionException("full");
        }).build(), 1);
    scheduler.advance(PAST);
    assertThat(c.state()).isEqualTo(OPEN); // a check that cannot run is a failed check
  }

  @Test
  void aBlockingCheckNeedsAnExecutor() {
    assertThatThrownBy(() -> HealthCheck.builder(() -> true).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("executor");
    assertThatThrownBy(() -> HealthCheck.builder(() -> true).handOverAfter(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("passingChecks");
  }
}
