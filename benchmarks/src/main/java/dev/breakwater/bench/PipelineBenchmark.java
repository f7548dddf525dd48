package dev.breakwater.bench;

import dev.breakwater.Bulkhead;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.Fallback;
import dev.breakwater.Pipeline;
import dev.breakwater.Retry;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Case 15 (issue 12): composition. Each library builds the same recipe once, idiomatically, at
 * setup (fallback, then retry, then breaker, then bulkhead, around the shared {@link Operation}),
 * and each benchmark runs the no-fault path:
 * <ul>
 *   <li>{@code composed}: the whole recipe around a successful call. {@code none} is the
 *       operation alone (the baseline). Target: Breakwater at most baseline + its bulkhead's own
 *       cost + 10 ns, 0 B/op.
 *   <li>{@code bulkhead} / {@code bulkhead2}: a bulkhead's acquire and release around the call,
 *       1 and 2 threads on one bulkhead. Target: at most 2 uncontended CAS + 3 ns; 2 threads at
 *       most 1.5x one.
 *   <li>{@code retry}: a retry around a call that succeeds. Target: at most the call + 3 ns.
 * </ul>
 * Resilience4j 2.4: {@code Decorators.ofCallable(...).withBulkhead().withCircuitBreaker()
 * .withRetry().withFallback().decorate()} (its {@code SemaphoreBulkhead}), Failsafe 3.3:
 * {@code Failsafe.with(fallback, retryPolicy, circuitBreaker, bulkhead)}; default configs with 3
 * attempts and 25 concurrent calls everywhere.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class PipelineBenchmark {
  static final Object FALLBACK = Integer.valueOf(-1);

  /** The recipe of one library, built once. */
  @State(Scope.Benchmark)
  public static class Recipe {
    /** {@code none} (the operation alone), {@code breakwater}, {@code resilience4j}, {@code failsafe}. */
    @Param({"none", "breakwater", "resilience4j", "failsafe"})
    public String impl;

    final Operation op = new Operation(Integer.valueOf(42));
    Pipeline<Object> pipeline;
    Callable<Object> r4jComposed;
    FailsafeExecutor<Object> failsafeComposed;
    Bulkhead bulkhead;
    io.github.resilience4j.bulkhead.Bulkhead r4jBulkhead;
    dev.failsafe.Bulkhead<Object> failsafeBulkhead;
    Retry retry;
    Callable<Object> r4jRetried;
    FailsafeExecutor<Object> failsafeRetry;

    /** Builds the recipes. */
    @Setup(Level.Trial)
    public void setUp() {
      switch (impl) {
        case "breakwater":
          bulkhead = Bulkhead.of("bench", 25);
          retry = Retry.of(3);
          pipeline = Pipeline.builder().fallback(Fallback.value(FALLBACK)).retry(Retry.of(3))
              .breaker(CircuitBreaker.ofDefaults("bench")).bulkhead(Bulkhead.of("bench", 25))
              .build();
          break;
        case "resilience4j": {
          BulkheadConfig bc = BulkheadConfig.custom().maxConcurrentCalls(25)
              .maxWaitDuration(Duration.ZERO).build();
          r4jBulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("bench", bc);
          io.github.resilience4j.retry.Retry r = io.github.resilience4j.retry.Retry.of("bench",
              RetryConfig.custom().maxAttempts(3).build());
          r4jRetried = io.github.resilience4j.retry.Retry.decorateCallable(r, op);
          r4jComposed = Decorators.ofCallable((Callable<Object>) op)
              .withBulkhead(io.github.resilience4j.bulkhead.Bulkhead.of("composed", bc))
              .withCircuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker
                  .ofDefaults("bench"))
              .withRetry(io.github.resilience4j.retry.Retry.of("composed",
                  RetryConfig.custom().maxAttempts(3).build()))
              .withFallback(t -> FALLBACK)
              .decorate();
          break;
        }
        case "failsafe":
          failsafeBulkhead = dev.failsafe.Bulkhead.of(25);
          failsafeRetry = Failsafe.with(RetryPolicy.builder().withMaxAttempts(3).build());
          failsafeComposed = Failsafe.with(dev.failsafe.Fallback.of(FALLBACK),
              RetryPolicy.builder().withMaxAttempts(3).build(),
              dev.failsafe.CircuitBreaker.ofDefaults(), dev.failsafe.Bulkhead.of(25));
          break;
        default:
          break;
      }
    }
  }

  /**
   * Fallback, retry, breaker and bulkhead around a successful call.
   *
   * @param s the recipe
   * @return the result
   * @throws Exception never
   */
  @Benchmark
  public Object composed(Recipe s) throws Exception {
    switch (s.impl) {
      case "breakwater":
        return s.pipeline.call(s.op);
      case "resilience4j":
        return s.r4jComposed.call();
      case "failsafe":
        return s.failsafeComposed.get(s.op);
      default:
        return s.op.call();
    }
  }

  /**
   * A bulkhead's acquire and release around the call.
   *
   * @param s the recipe
   * @return the result
   */
  @Benchmark
  public Object bulkhead(Recipe s) {
    return acquireRelease(s);
  }

  /**
   * The same, 2 threads on one bulkhead.
   *
   * @param s the recipe
   * @return the result
   */
  @Benchmark
  @Threads(2)
  public Object bulkhead2(Recipe s) {
    return acquireRelease(s);
  }

  private static Object acquireRelease(Recipe s) {
    switch (s.impl) {
      case "breakwater":
        if (!s.bulkhead.tryAcquire()) {
          return FALLBACK;
        }
        try {
          return s.op.call();
        } finally {
          s.bulkhead.release();
        }
      case "resilience4j":
        if (!s.r4jBulkhead.tryAcquirePermission()) {
          return FALLBACK;
        }
        try {
          return s.op.call();
        } finally {
          s.r4jBulkhead.onComplete();
        }
      case "failsafe":
        if (!s.failsafeBulkhead.tryAcquirePermit()) {
          return FALLBACK;
        }
        try {
          return s.op.call();
        } finally {
          s.failsafeBulkhead.releasePermit();
        }
      default:
        return s.op.call();
    }
  }

  /**
   * A retry around a call that succeeds.
   *
   * @param s the recipe
   * @return the result
   * @throws Throwable never
   */
  @Benchmark
  public Object retry(Recipe s) throws Throwable {
    switch (s.impl) {
      case "breakwater":
        return s.retry.call(s.op);
      case "resilience4j":
        return s.r4jRetried.call();
      case "failsafe":
        return s.failsafeRetry.get(s.op);
      default:
        return s.op.call();
    }
  }
}
