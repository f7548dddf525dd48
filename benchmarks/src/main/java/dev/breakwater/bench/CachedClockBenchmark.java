package dev.breakwater.bench;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.SlidingWindowType;
import dev.breakwater.Ticker;
import java.time.Duration;
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
 * Case 12 (issue 10): the paths that read the clock once per call, with the default ticker
 * ({@code System.nanoTime()}) and with {@code Ticker.cached()} (a volatile read of a value one
 * daemon thread refreshes every millisecond).
 *
 * <ul>
 *   <li>{@link #openReject}: {@code tryAcquire} on an OPEN breaker (an hour before its probe).
 *   <li>{@link #halfOpenReject}: {@code tryAcquire} on a HALF_OPEN breaker whose only probe slot
 *       is taken (and not yet hung).
 *   <li>{@link #timeWindowSuccess}: a success via {@code call()} on a breaker with a 10 s
 *       time-based window.
 * </ul>
 * Targets, against floors from the same run ({@link FloorBenchmark}, and the {@code none} row of
 * {@link ClosedBenchmark#callSuccess}): with the cached ticker, both rejections at most the
 * volatile-read floor + 4 ns, the time-window success at most the baseline + one uncontended CAS
 * + 5 ns; 0 B/op everywhere.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class CachedClockBenchmark {

  /** The breakers, on the ticker under test. */
  @State(Scope.Benchmark)
  public static class Breakers {
    /**
     * {@code breakwater}: the default ticker, System.nanoTime(); {@code breakwater-cached}:
     * Ticker.cached() (1 ms).
     */
    @Param({"breakwater", "breakwater-cached"})
    public String impl;

    CircuitBreaker open;
    CircuitBreaker halfOpen;
    CircuitBreaker timeWindow;
    final Operation op = new Operation(Integer.valueOf(42));

    /** Builds an OPEN, a HALF_OPEN (slot taken) and a time-window breaker. */
    @Setup(Level.Trial)
    public void setUp() {
      Ticker t = impl.equals("breakwater-cached") ? Ticker.cached() : Ticker.systemTicker();
      open = CircuitBreaker.of("open", CircuitBreakerConfig.builder().failureThreshold(1)
          .openTimeout(Duration.ofHours(1)).ticker(t).build());
      open.onFailure(open.tryAcquire());
      halfOpen = halfOpenFor(t);
      timeWindow = CircuitBreaker.of("time-window", CircuitBreakerConfig.builder()
          .slidingWindow(SlidingWindowType.TIME_BASED, Duration.ofSeconds(10)).ticker(t)
          .build());
    }

    /**
     * A HALF_OPEN breaker with a one-hour open timeout (so its held probe is never hung) whose
     * only slot is held: forced open for 1 ns, then the first call is its probe.
     */
    private static CircuitBreaker halfOpenFor(Ticker ticker) {
      CircuitBreaker b = CircuitBreaker.of("half-open", CircuitBreakerConfig.builder()
          .failureThreshold(1).halfOpenMaxCalls(1).openTimeout(Duration.ofHours(1))
          .ticker(ticker).build());
      b.forceOpen(Duration.ofNanos(1));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (b.tryAcquire() == CircuitBreaker.REJECTED) { // a cached ticker moves every 1 ms
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the breaker did not reach HALF_OPEN: " + b);
        }
        Thread.onSpinWait();
      }
      if (b.state() != CircuitBreaker.State.HALF_OPEN) {
        throw new IllegalStateException("expected HALF_OPEN: " + b);
      }
      return b;
    }
  }

  /**
   * OPEN rejection.
   *
   * @param s the breakers
   * @param c admitted / rejected counts
   * @return the rejection
   */
  @Benchmark
  public long openReject(Breakers s, Counters c) {
    long p = s.open.tryAcquire();
    if (p == CircuitBreaker.REJECTED) {
      c.rejected++;
    } else {
      c.admitted++;
      s.open.onSuccess(p);
    }
    return p;
  }

  /**
   * HALF_OPEN rejection: every slot busy.
   *
   * @param s the breakers
   * @param c admitted / rejected counts
   * @return the rejection
   */
  @Benchmark
  public long halfOpenReject(Breakers s, Counters c) {
    long p = s.halfOpen.tryAcquire();
    if (p == CircuitBreaker.REJECTED) {
      c.rejected++;
    } else {
      c.admitted++;
      s.halfOpen.onIgnored(p);
    }
    return p;
  }

  /**
   * A success via {@code call()} into a 10 s time-based window.
   *
   * @param s the breakers
   * @param c admitted / rejected counts
   * @return the operation's result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  public Object timeWindowSuccess(Breakers s, Counters c) throws Exception {
    c.admitted++;
    return s.timeWindow.call(s.op);
  }
}
