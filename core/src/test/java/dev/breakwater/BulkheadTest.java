package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BulkheadTest {

  @Test
  void admitsUpToTheLimitThenRejectsAtOnce() {
    Bulkhead b = Bulkhead.of("db", 2);
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.tryAcquire()).isFalse();
    assertThat(b.runningCalls()).isEqualTo(2);
    assertThat(b.availablePermits()).isZero();
    b.release();
    assertThat(b.tryAcquire()).isTrue();
  }

  @Test
  void callReleasesOnSuccessAndOnFailure() throws Exception {
    Bulkhead b = Bulkhead.of("db", 1);
    assertThat(b.call(() -> "ok")).isEqualTo("ok");
    assertThatThrownBy(() -> b.call(() -> {
      throw new IOException("down");
    })).isInstanceOf(IOException.class);
    assertThat(b.runningCalls()).isZero();
  }

  @Test
  void aFullBulkheadThrowsItsOwnExceptionWithoutAStackTrace() throws Exception {
    Bulkhead b = Bulkhead.of("db", 1);
    b.tryAcquire();
    assertThatThrownBy(() -> b.call(() -> "never"))
        .isInstanceOf(BulkheadFullException.class)
        .hasMessageContaining("'db'")
        .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    BulkheadFullException e = (BulkheadFullException) org.assertj.core.api.Assertions
        .catchThrowable(() -> b.call(() -> "never"));
    assertThat(e.bulkheadName()).isEqualTo("db");
    assertThat(e.maxConcurrentCalls()).isEqualTo(1);
  }

  @Test
  void aSurplusReleaseIsRefusedAndMakesNoRoom() {
    Bulkhead b = Bulkhead.of("db", 1);
    assertThatThrownBy(b::release).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("released more often");
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.tryAcquire()).isFalse();
  }

  @Test
  void aWaitingCallerGetsThePermitReleasedWhileItWaits() throws Exception {
    Bulkhead b = Bulkhead.builder("db").maxConcurrentCalls(1).maxWait(Duration.ofSeconds(30))
        .build();
    assertThat(b.tryAcquire()).isTrue();
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
      waiting.countDown();
      try {
        return b.call(() -> "got it");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
    b.release(); // wakes the waiter (long before its 30 s wait ends)
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("got it");
    assertThat(b.runningCalls()).isZero();
  }

  @Test
  void theWaitIsBounded() {
    Bulkhead b = Bulkhead.builder("db").maxConcurrentCalls(1).maxWait(Duration.ofMillis(20))
        .build();
    b.tryAcquire();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> b.call(() -> "never")).isInstanceOf(BulkheadFullException.class);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
  }

  @Test
  void anInterruptedWaiterHoldsNoPermit() throws Exception {
    Bulkhead b = Bulkhead.builder("db").maxConcurrentCalls(1).maxWait(Duration.ofMinutes(1))
        .build();
    b.tryAcquire();
    Thread.currentThread().interrupt();
    assertThatThrownBy(b::acquire).isInstanceOf(InterruptedException.class);
    b.release();
    assertThat(b.runningCalls()).isZero();
  }

  @Test
  void asyncCallsReleaseWhenTheStageCompletesOrIsCancelled() {
    Bulkhead b = Bulkhead.of("db", 1);
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<String> f = b.callAsync(() -> work);
    assertThat(b.runningCalls()).isEqualTo(1);
    assertThat(b.callAsync(() -> work)).isCompletedExceptionally();
    work.complete("done");
    assertThat(f).isCompletedWithValue("done");
    assertThat(b.runningCalls()).isZero();

    CompletableFuture<String> hanging = new CompletableFuture<>();
    CompletableFuture<String> g = b.callAsync(() -> hanging);
    g.cancel(true);
    assertThat(b.runningCalls()).isZero();
    assertThat(hanging).isCancelled(); // passed inwards

    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String> thrown = b.callAsync(() -> {
      started.incrementAndGet();
      throw new IllegalStateException("boom");
    });
    assertThat(thrown).isCompletedExceptionally();
    assertThat(started).hasValue(1);
    assertThat(b.runningCalls()).isZero();
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> Bulkhead.of("x", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrentCalls").hasMessageContaining("0");
    assertThatThrownBy(() -> Bulkhead.builder("x").maxWait(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWait");
    assertThatThrownBy(() -> Bulkhead.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
  }
}
