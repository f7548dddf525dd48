package dev.breakwater;

import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncCallTest {
  final FakeTicker ticker = new FakeTicker();
  final CircuitBreaker b = CircuitBreaker.of("async", CircuitBreakerConfig.builder()
      .failureThreshold(1).successThreshold(1).halfOpenMaxCalls(1)
      .openTimeout(Duration.ofSeconds(10)).ticker(ticker).build());

  /** Opens the breaker and lets the timeout pass, so the next call is the single probe. */
  void halfOpenNext() {
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(11));
  }

  @Test
  void successIsRecordedBeforeDependentsRun() {
    halfOpenNext();
    CompletableFuture<String> op = new CompletableFuture<>();
    CompletionStage<String> s = b.callAsync(() -> op);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    CompletableFuture<CircuitBreaker.State> seen = s.thenApply(v -> b.state()).toCompletableFuture();
    op.complete("v");
    assertThat(seen.join()).isEqualTo(CLOSED);
    assertThat(s.toCompletableFuture().join()).isEqualTo("v");
  }

  @Test
  void failureIsRecordedAndPropagated() {
    CompletableFuture<String> op = new CompletableFuture<>();
    CompletableFuture<String> s = b.callAsync(() -> op).toCompletableFuture();
    IOException boom = new IOException();
    op.completeExceptionally(boom);
    assertThat(b.state()).isEqualTo(OPEN);
    assertThat(s).isCompletedExceptionally();
    assertThat(catchCause(s)).isSameAs(boom);
  }

  @Test
  void failureFromADependentStageIsUnwrappedForClassification() {
    CircuitBreaker ignoring = CircuitBreaker.of("x", CircuitBreakerConfig.builder()
        .failureThreshold(1).ignoreExceptions(IllegalStateException.class).build());
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> s = ignoring.callAsync(() -> source.thenApply(v -> v))
        .toCompletableFuture();
    source.completeExceptionally(new IllegalStateException());
    assertThat(s).isCompletedExceptionally();
    assertThat(ignoring.state()).isEqualTo(CLOSED); // classified as the ignored cause
  }

  @Test
  void rejectionIsAFailedStageNeverAThrow() {
    b.onFailure(b.tryAcquire());
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String> s = b.callAsync(() -> {
      started.incrementAndGet();
      return CompletableFuture.completedFuture("v");
    }).toCompletableFuture();
    assertThat(started).hasValue(0);
    assertThat(catchCause(s)).isInstanceOf(CallNotPermittedException.class);
  }

  @Test
  void aSupplierThatThrowsIsAFailedStageAndAFailure() {
    IllegalStateException boom = new IllegalStateException();
    CompletableFuture<String> s = b.<String>callAsync(() -> {
      throw boom;
    }).toCompletableFuture();
    assertThat(catchCause(s)).isSameAs(boom);
    assertThat(b.state()).isEqualTo(OPEN);
  }

  @Test
  void aNullStageIsAFailedStage() {
    CompletableFuture<String> s = b.<String>callAsync(() -> null).toCompletableFuture();
    assertThat(catchCause(s)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void cancellingReleasesThePermitUncountedAndCancelsTheOperation() {
    halfOpenNext();
    CompletableFuture<String> op = new CompletableFuture<>();
    CompletableFuture<String> s = b.callAsync(() -> op).toCompletableFuture();
    assertThat(b.probesInFlight()).isEqualTo(1);
    assertThat(s.cancel(true)).isTrue();
    assertThat(op).isCancelled();
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(b.probesInFlight()).isZero();
    assertThat(b.successCount()).isZero();
    // the operation completing late changes nothing
    op.obtrudeValue("late");
    assertThat(b.probesInFlight()).isZero();
    assertThat(s.cancel(true)).isFalse();
  }

  @Test
  void lateCompletionAfterCancelIsNotCounted() {
    halfOpenNext();
    CompletableFuture<String> op = new CompletableFuture<>();
    // a stage whose cancel() is unsupported: cancellation cannot reach it, it completes later
    CompletionStage<String> notAFuture = op.minimalCompletionStage();
    CompletableFuture<String> s = b.callAsync(() -> notAFuture).toCompletableFuture();
    s.cancel(false);
    op.completeExceptionally(new IOException());
    assertThat(b.state()).isEqualTo(HALF_OPEN); // the failure after cancellation is ignored
    assertThat(op).isNotCancelled();
  }

  @Test
  void aCallerTimeoutCountsAsAFailure() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> s = b.callAsync(() -> never).toCompletableFuture()
        .orTimeout(10, TimeUnit.MILLISECONDS);
    assertThat(catchCause(s)).isInstanceOf(TimeoutException.class);
    assertThat(b.state()).isEqualTo(OPEN);
  }

  @Test
  void aCallerCompletionDecidesTheOutcome() {
    halfOpenNext();
    CompletableFuture<String> op = new CompletableFuture<>();
    CompletableFuture<String> s = b.callAsync(() -> op).toCompletableFuture();
    assertThat(s.complete("fallback")).isTrue();
    assertThat(b.state()).isEqualTo(CLOSED);
    op.completeExceptionally(new IOException()); // too late to count
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(s.join()).isEqualTo("fallback");
  }

  @Test
  void aCancelledOperationStageIsNotTheDependencysFailure() {
    halfOpenNext();
    CompletableFuture<String> op = new CompletableFuture<>();
    CompletableFuture<String> s = b.callAsync(() -> op).toCompletableFuture();
    op.cancel(false);
    assertThat(catchCause(s)).isInstanceOf(CancellationException.class);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(b.probesInFlight()).isZero();
  }

  @Test
  void aThrowingResultClassifierFailsTheStageAndReleases() {
    CircuitBreaker c = CircuitBreaker.of("c", CircuitBreakerConfig.builder()
        .recordResult(r -> {
          throw new IllegalStateException("bug");
        }).build());
    CompletableFuture<String> s = c.callAsync(() -> CompletableFuture.completedFuture("v"))
        .toCompletableFuture();
    assertThat(catchCause(s)).isInstanceOf(IllegalStateException.class).hasMessage("bug");
    assertThat(c.failureCount()).isZero();
  }

  static Throwable catchCause(CompletableFuture<?> f) {
    try {
      f.get(5, TimeUnit.SECONDS);
      throw new AssertionError("completed normally");
    } catch (ExecutionException | CompletionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** A stage that throws from whenComplete can never report: a failed stage, and the slot freed. */
  @Test
  void aStageWhoseWhenCompleteThrowsIsAFailedStageAndReleasesThePermit() {
    halfOpenNext();
    CompletableFuture<String> broken = new CompletableFuture<>() {
      @Override
      public CompletableFuture<String> whenComplete(
          java.util.function.BiConsumer<? super String, ? super Throwable> action) {
        throw new IllegalStateException("broken stage");
      }
    };
    CompletionStage<String> s = b.callAsync(() -> broken);
    assertThat(s.toCompletableFuture().isCompletedExceptionally()).isTrue();
    assertThat(b.probesInFlight()).isZero();
    assertThat(b.state()).isEqualTo(OPEN); // the probe failed
  }

  @Test
  void completeAsyncOnTheReturnedFutureIsReported() {
    halfOpenNext();
    CompletableFuture<String> op = new CompletableFuture<>();
    CompletableFuture<String> s = b.callAsync(() -> op).toCompletableFuture();
    s.completeAsync(() -> "by caller", Runnable::run);
    assertThat(s.join()).isEqualTo("by caller");
    assertThat(b.state()).isEqualTo(CLOSED); // the probe's success was reported
    op.complete("late");
    assertThat(b.state()).isEqualTo(CLOSED);
  }

  @Test
  void completeAsyncWithAThrowingSupplierIsAFailure() {
    halfOpenNext();
    CompletableFuture<String> s = b.callAsync(() -> new CompletableFuture<String>())
        .toCompletableFuture();
    s.completeAsync(() -> {
      throw new IllegalStateException("down");
    }, Runnable::run);
    assertThat(s.isCompletedExceptionally()).isTrue();
    assertThat(b.state()).isEqualTo(OPEN);
  }

  @Test
  void obtrudingAValueOrAFailureReportsThePermit() {
    halfOpenNext();
    CompletableFuture<String> s = b.callAsync(() -> new CompletableFuture<String>())
        .toCompletableFuture();
    s.obtrudeValue("forced");
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(s.join()).isEqualTo("forced");

    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(11));
    CompletableFuture<String> f = b.callAsync(() -> new CompletableFuture<String>())
        .toCompletableFuture();
    f.obtrudeException(new IOException("forced"));
    assertThat(b.state()).isEqualTo(OPEN);
    assertThat(b.probesInFlight()).isZero();
  }
}
