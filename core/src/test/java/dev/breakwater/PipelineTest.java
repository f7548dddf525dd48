package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private CircuitBreaker breaker(int failureThreshold) {
    return CircuitBreaker.of("primary", CircuitBreakerConfig.builder().ticker(ticker)
        .failureThreshold(failureThreshold).openTimeout(Duration.ofSeconds(30))
        .recordStats().build());
  }

  private Retry retry(int attempts) {
    return Retry.builder().maxAttempts(attempts).fixedBackoff(Duration.ofMillis(100))
        .jitter(Retry.Jitter.NONE).ticker(ticker).scheduler(scheduler)
        .sleeper(ticker::advanceNanos).build();
  }

  @Nested
  class Order {
    @Test
    void theRecommendedOrderBuildsAndDescribesItsNesting() {
      Pipeline<String> p = Pipeline.<String>builder()
          .fallback(Fallback.value("cached")).retry(retry(3)).breaker(breaker(5))
          .bulkhead(Bulkhead.of("primary", 10)).timeout(Timeout.of(Duration.ofSeconds(1)))
          .build();
      String d = p.describe();
      assertThat(d.lines()).hasSize(6);
      assertThat(d.lines().map(String::strip).map(l -> l.split(":")[0]))
          .containsExactly("fallback", "retry", "breaker", "bulkhead", "timeout", "call");
      assertThat(d).contains("    breaker: CircuitBreaker");
    }

    @Test
    void aRetryInsideTheBreakerIsRejected() {
      assertThatThrownBy(() -> Pipeline.<String>builder().breaker(breaker(5)).retry(retry(3))
          .build()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("retry must be outside the breaker")
          .hasMessageContaining("breaker > retry > call");
    }

    @Test
    void aFallbackInsideARetryIsRejected() {
      assertThatThrownBy(() -> Pipeline.<String>builder().retry(retry(3))
          .fallback(Fallback.value("x")).build()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fallback must be outside the retry");
    }

    @Test
    void theSamePolicyTwiceIsRejected() {
      Bulkhead b = Bulkhead.of("x", 1);
      assertThatThrownBy(() -> Pipeline.<String>builder().bulkhead(b).bulkhead(b))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
    }

    @Test
    void aFallbackOfAnotherTypeDoesNotCompile() throws Exception {
      String source = "import dev.breakwater.*;\n"
          + "class Wrong { void f() { Pipeline.<String>builder()"
          + ".fallback(Fallback.value(42)).build(); } }\n";
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      DiagnosticCollector<JavaFileObject> d = new DiagnosticCollector<>();
      JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Wrong.java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignore) {
          return source;
        }
      };
      boolean ok = javac.getTask(null, null, d, List.of("-proc:none", "-d",
          System.getProperty("java.io.tmpdir"), "-classpath", System.getProperty("java.class.path")),
          null, List.of(file)).call();
      assertThat(ok).isFalse();
      assertThat(d.getDiagnostics().toString()).contains("Fallback");
      String right = source.replace("value(42)", "value(\"42\")");
      JavaFileObject good = new SimpleJavaFileObject(URI.create("string:///Wrong.java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignore) {
          return right;
        }
      };
      assertThat(javac.getTask(null, null, null, List.of("-proc:none", "-d",
          System.getProperty("java.io.tmpdir"), "-classpath",
          System.getProperty("java.class.path")), null, List.of(good)).call()).isTrue();
    }
  }

  @Nested
  class Sync {
    @Test
    void eachRetryGoesThroughTheBreakerAndAnOpenBreakerStopsTheRetries() throws Exception {
      CircuitBreaker b = breaker(2);
      Bulkhead bulkhead = Bulkhead.of("primary", 4);
      AtomicInteger calls = new AtomicInteger();
      Pipeline<String> p = Pipeline.<String>builder()
          .fallback(Fallback.from(t -> "fallback after " + t.getClass().getSimpleName()))
          .retry(retry(5)).breaker(b).bulkhead(bulkhead).build();
      String r = p.call(() -> {
        calls.incrementAndGet();
        throw new IOException("down");
      });
      // attempt 1 and 2 fail and trip the breaker; attempt 3 is rejected and not retried
      assertThat(r).isEqualTo("fallback after CallNotPermittedException");
      assertThat(calls).hasValue(2);
      assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(b.stats().failedCalls()).isEqualTo(2);
      assertThat(b.stats().rejectedCalls()).isEqualTo(1);
      assertThat(bulkhead.runningCalls()).isZero();
    }

    @Test
    void theNoFaultPathReturnsTheResultAndHoldsNothing() throws Exception {
      CircuitBreaker b = breaker(2);
      Bulkhead bulkhead = Bulkhead.of("primary", 1);
      Pipeline<String> p = Pipeline.<String>builder().fallback(Fallback.value("x"))
          .retry(retry(3)).breaker(b).bulkhead(bulkhead).build();
      for (int i = 0; i < 3; i++) {
        assertThat(p.call(() -> "ok")).isEqualTo("ok");
      }
      assertThat(b.stats().successfulCalls()).isEqualTo(3);
      assertThat(bulkhead.runningCalls()).isZero();
    }

    @Test
    void aFullBulkheadIsAFailureTheFallbackCanAnswerButNotABreakerFailure() throws Exception {
      CircuitBreaker b = breaker(1);
      Bulkhead bulkhead = Bulkhead.of("primary", 1);
      bulkhead.tryAcquire();
      Pipeline<String> p = Pipeline.<String>builder()
          .fallback(Fallback.value("busy").on(BulkheadFullException.class))
          .breaker(b).bulkhead(bulkhead).build();
      assertThat(p.call(() -> "ok")).isEqualTo("busy");
      assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN); // by default it is a failure
      // (ignore it in the breaker's config to keep overload out of its rate, see README)
    }

    @Test
    void failoverToABackupWhileThePrimaryIsOpen() throws Exception {
      CircuitBreaker primary = breaker(1);
      primary.forceOpen();
      AtomicInteger backupCalls = new AtomicInteger();
      Pipeline<String> p = Pipeline.<String>builder()
          .fallback(Fallback.to(() -> "backup " + backupCalls.incrementAndGet())
              .on(CallNotPermittedException.class))
          .breaker(primary).build();
      assertThat(p.call(() -> "primary")).isEqualTo("backup 1");
      assertThatThrownBy(() -> Pipeline.<String>builder()
          .fallback(Fallback.value("x").on(CallNotPermittedException.class)).build()
          .call(() -> {
            throw new IOException("not handled");
          })).isInstanceOf(IOException.class);
    }

    @Test
    void aTimedOutAttemptCountsAsABreakerFailureAndIsRetried() throws Exception {
      CircuitBreaker b = breaker(10);
      AtomicInteger calls = new AtomicInteger();
      AtomicInteger timers = new AtomicInteger();
      Timeout t = Timeout.builder(Duration.ofSeconds(1)).executor(pool).scheduler(
          (task, nanos) -> {
            if (timers.incrementAndGet() == 1) {
              task.run(); // the first attempt's timer fires at once
            }
            return () -> { };
          }).build();
      Pipeline<String> p = Pipeline.<String>builder().retry(retry(3)).breaker(b).timeout(t)
          .build();
      String r = p.call(() -> {
        calls.incrementAndGet();
        if (timers.get() == 1) { // the first attempt (its timer was set before it started)
          Thread.sleep(10_000); // interrupted when abandoned
        }
        return "second attempt";
      });
      assertThat(r).isEqualTo("second attempt");
      assertThat(b.stats().failedCalls()).isEqualTo(1);
      assertThat(b.stats().successfulCalls()).isEqualTo(1);
    }
  }

  @Nested
  class Async {
    @Test
    void retriesThroughTheBreakerWithoutBlockingAndFallsBack() {
      CircuitBreaker b = breaker(2);
      Bulkhead bulkhead = Bulkhead.of("primary", 4);
      AtomicInteger calls = new AtomicInteger();
      Pipeline<String> p = Pipeline.<String>builder().fallback(Fallback.value("fallback"))
          .retry(retry(5)).breaker(b).bulkhead(bulkhead).build();
      CompletableFuture<String> f = p.callAsync(() -> {
        calls.incrementAndGet();
        return CompletableFuture.failedFuture(new IOException("down"));
      });
      assertThat(f).isNotDone(); // waiting for the first retry
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(f).isCompletedWithValue("fallback");
      assertThat(calls).hasValue(2);
      assertThat(b.stats().rejectedCalls()).isEqualTo(1);
      assertThat(bulkhead.runningCalls()).isZero();
    }

    @Test
    void cancellingTheOuterFutureReachesTheAttemptAndReleasesEveryPermit() {
      CircuitBreaker b = CircuitBreaker.of("p", CircuitBreakerConfig.builder().ticker(ticker)
          .failureThreshold(1).halfOpenMaxCalls(1).openTimeout(Duration.ofSeconds(1)).build());
      b.onFailure(b.tryAcquire());
      ticker.advance(Duration.ofSeconds(2)); // the next call is the only HALF_OPEN probe
      Bulkhead bulkhead = Bulkhead.of("p", 1);
      CompletableFuture<String> attempt = new CompletableFuture<>();
      Pipeline<String> p = Pipeline.<String>builder().fallback(Fallback.value("x"))
          .retry(retry(3)).breaker(b).bulkhead(bulkhead)
          .timeout(Timeout.builder(Duration.ofSeconds(5)).scheduler(scheduler).build()).build();
      CompletableFuture<String> f = p.callAsync(() -> attempt);
      assertThat(b.probesInFlight()).isEqualTo(1);
      assertThat(bulkhead.runningCalls()).isEqualTo(1);
      f.cancel(true);
      assertThat(attempt).isCancelled();
      assertThat(b.probesInFlight()).isZero(); // the probe slot is free again
      assertThat(bulkhead.runningCalls()).isZero();
      assertThat(scheduler.pending()).isZero(); // no timer, no retry left
    }

    @Test
    void aLateAttemptTimesOutCountsAsAFailureAndIsRetried() {
      CircuitBreaker b = breaker(10);
      AtomicInteger calls = new AtomicInteger();
      Pipeline<String> p = Pipeline.<String>builder().retry(retry(3)).breaker(b)
          .timeout(Timeout.builder(Duration.ofSeconds(1)).scheduler(scheduler).build()).build();
      CompletableFuture<String> first = new CompletableFuture<>();
      CompletableFuture<String> f = p.callAsync(() -> calls.incrementAndGet() == 1 ? first
          : CompletableFuture.completedFuture("second"));
      scheduler.advance(Duration.ofSeconds(1)); // times out the first
      assertThat(first).isCancelled();
      scheduler.advance(Duration.ofMillis(100)); // the retry's wait
      assertThat(f).isCompletedWithValue("second");
      assertThat(b.stats().failedCalls()).isEqualTo(1);
    }
  }
}
