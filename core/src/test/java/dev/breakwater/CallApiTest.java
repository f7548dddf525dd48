package dev.breakwater;

import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.FORCED_OPEN;
import static dev.breakwater.CircuitBreaker.State.HALF_OPEN;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The high-level {@code call}, {@code supply} and {@code run}: classification and rejection. */
class CallApiTest {
  final FakeTicker ticker = new FakeTicker();

  CircuitBreaker breaker(CircuitBreakerConfig.Builder b) {
    return CircuitBreaker.of("api", b.ticker(ticker).build());
  }

  CircuitBreaker breaker() {
    return breaker(CircuitBreakerConfig.builder().failureThreshold(2).halfOpenMaxCalls(1)
        .openTimeout(Duration.ofSeconds(10)));
  }

  @Test
  void returnsTheResultAndCountsASuccess() throws Exception {
    CircuitBreaker b = breaker();
    b.onFailure(b.tryAcquire());
    assertThat(b.call(() -> "v")).isEqualTo("v");
    assertThat(b.failureCount()).isZero();
    assertThat(b.supply(() -> 42)).isEqualTo(42);
    AtomicInteger ran = new AtomicInteger();
    b.run(ran::incrementAndGet);
    assertThat(ran).hasValue(1);
  }

  @Test
  void rethrowsTheOperationsOwnExceptionUnchanged() {
    CircuitBreaker b = breaker();
    IOException checked = new IOException("boom");
    assertThat(catchThrowable(() -> b.call(() -> {
      throw checked;
    }))).isSameAs(checked);
    assertThat(b.failureCount()).isEqualTo(1);
    IllegalStateException unchecked = new IllegalStateException();
    assertThat(catchThrowable(() -> b.run(() -> {
      throw unchecked;
    }))).isSameAs(unchecked);
    assertThat(b.state()).isEqualTo(OPEN);
  }

  @Test
  void anErrorCountsAsAFailureAndReleasesTheProbe() {
    CircuitBreaker b = breaker();
    b.onFailure(b.tryAcquire());
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(11));
    StackOverflowError error = new StackOverflowError();
    assertThat(catchThrowable(() -> b.supply(() -> {
      throw error;
    }))).isSameAs(error);
    assertThat(b.state()).isEqualTo(OPEN); // the probe failed: re-opened, nothing leaked
  }

  @Test
  void rejectionThrowsCallNotPermittedWithNameStateAndWait() {
    CircuitBreaker b = breaker();
    b.onFailure(b.tryAcquire());
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(4));
    AtomicInteger ran = new AtomicInteger();
    CallNotPermittedException e = (CallNotPermittedException)
        catchThrowable(() -> b.call(ran::incrementAndGet));
    assertThat(ran).hasValue(0);
    assertThat(e.breakerName()).isEqualTo("api");
    assertThat(e.state()).isEqualTo(OPEN);
    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(6).plusMillis(1));
    assertThat(e.getMessage()).startsWith("CircuitBreaker 'api' is OPEN; next probe in PT6");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e).isInstanceOf(RuntimeException.class);
  }

  @Test
  void rejectionInHalfOpenAndForcedOpen() {
    CircuitBreaker b = breaker();
    b.onFailure(b.tryAcquire());
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(11));
    b.tryAcquire(); // the one probe
    CallNotPermittedException half = (CallNotPermittedException) catchThrowable(() -> b.run(() -> { }));
    assertThat(half.state()).isEqualTo(HALF_OPEN);
    assertThat(half.retryAfterNanos()).isZero();
    assertThat(half.getMessage()).isEqualTo(
        "CircuitBreaker 'api' is HALF_OPEN and all probe slots are taken");
    b.forceOpen();
    CallNotPermittedException forced = (CallNotPermittedException) catchThrowable(() -> b.run(() -> { }));
    assertThat(forced.state()).isEqualTo(FORCED_OPEN);
    assertThat(forced.retryAfterNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(forced.getMessage()).isEqualTo("CircuitBreaker 'api' is FORCED_OPEN until reset()");
  }

  @Test
  void ignoredExceptionsFreeTheProbeWithoutAVerdict() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
        .halfOpenMaxCalls(1).ignoreExceptions(IllegalArgumentException.class));
    assertThat(catchThrowable(() -> b.run(() -> {
      throw new NumberFormatException(); // a subclass of an ignored class
    }))).isInstanceOf(NumberFormatException.class);
    assertThat(b.state()).isEqualTo(CLOSED);
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 3; i++) { // the one slot is freed every time
      catchThrowable(() -> b.run(() -> {
        throw new IllegalArgumentException();
      }));
      assertThat(b.state()).isEqualTo(HALF_OPEN);
      assertThat(b.probesInFlight()).isZero();
    }
  }

  @Test
  void exceptionsNotRecordedCountAsSuccess() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(2)
        .recordException(t -> t instanceof IOException));
    b.onFailure(b.tryAcquire());
    catchThrowable(() -> b.run(() -> {
      throw new IllegalStateException();
    }));
    assertThat(b.failureCount()).isZero();
    catchThrowable(() -> b.call(() -> {
      throw new IOException();
    }));
    assertThat(b.failureCount()).isEqualTo(1);
  }

  @Test
  void resultsCanCountAsFailures() throws Exception {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(2)
        .recordResult(r -> Integer.valueOf(503).equals(r)));
    assertThat(b.call(() -> 503)).isEqualTo(503);
    assertThat(b.failureCount()).isEqualTo(1);
    assertThat(b.call(() -> 200)).isEqualTo(200);
    assertThat(b.failureCount()).isZero();
    b.run(() -> { }); // a null result is given to the predicate too
    assertThat(b.failureCount()).isZero();
  }

  @Test
  void aThrowingExceptionClassifierReleasesThePermitAndIsSuppressed() {
    RuntimeException classifierBug = new RuntimeException("classifier bug");
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
        .halfOpenMaxCalls(1).recordException(t -> {
          throw classifierBug;
        }));
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(61));
    IOException op = new IOException();
    Throwable thrown = catchThrowable(() -> b.call(() -> {
      throw op;
    }));
    assertThat(thrown).isSameAs(op);
    assertThat(op.getSuppressed()).containsExactly(classifierBug);
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(b.probesInFlight()).isZero(); // released, not leaked
  }

  @Test
  void aClassifierThatRethrowsTheOperationsExceptionIsHarmless() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().recordException(t -> {
      throw (RuntimeException) t;
    }));
    IllegalStateException op = new IllegalStateException();
    assertThat(catchThrowable(() -> b.run(() -> {
      throw op;
    }))).isSameAs(op);
    assertThat(op.getSuppressed()).isEmpty();
  }

  @Test
  void aThrowingResultClassifierReleasesThePermitAndPropagates() {
    CircuitBreaker b = breaker(CircuitBreakerConfig.builder().failureThreshold(1)
        .halfOpenMaxCalls(1).recordResult(r -> {
          throw new IllegalStateException("result classifier bug");
        }));
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> b.call(() -> "v"))
        .isInstanceOf(IllegalStateException.class).hasMessage("result classifier bug");
    assertThat(b.state()).isEqualTo(HALF_OPEN);
    assertThat(b.probesInFlight()).isZero();
  }

  @Test
  void nullOperationsAreRejectedBeforeAcquiring() {
    CircuitBreaker b = breaker();
    assertThatThrownBy(() -> b.call(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.run(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.supply(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.callAsync(null)).isInstanceOf(NullPointerException.class);
  }
}
