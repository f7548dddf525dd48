package dev.breakwater.bench;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
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
 * Case 14 (issue 11): a CLOSED success via {@code call()} with call statistics, 1 and 2 threads
 * on one breaker: {@code breakwater} (the default: no statistics), {@code breakwater-stats}
 * ({@code recordStats()}: striped counters), {@code breakwater-latency} ({@code recordLatency()}:
 * plus two clock reads and a latency sum). Targets against floors from the same run: with
 * statistics at most the no-breaker baseline + one uncontended CAS + 3 ns, 0 B/op, 2 threads at
 * most 1.5x of 1; with latency plus two clock reads; without, the same as
 * {@link ClosedBenchmark}'s Breakwater row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class StatsBenchmark {

  /** The shared breaker. */
  @State(Scope.Benchmark)
  public static class Breaker {
    /**
     * {@code breakwater} (statistics off), {@code breakwater-stats} ({@code recordStats()}) or
     * {@code breakwater-latency} ({@code recordLatency()}).
     */
    @Param({"breakwater", "breakwater-stats", "breakwater-latency"})
    public String impl;

    CircuitBreaker breaker;
    final Operation op = new Operation(Integer.valueOf(42));

    /** Builds the breaker, CLOSED. */
    @Setup(Level.Trial)
    public void setUp() {
      CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder();
      if (impl.equals("breakwater-stats")) {
        b.recordStats();
      } else if (impl.equals("breakwater-latency")) {
        b.recordLatency();
      }
      breaker = CircuitBreaker.of("stats", b.build());
    }
  }

  /**
   * A success via {@code call()}.
   *
   * @param s the breaker
   * @param c admitted / rejected counts
   * @return the operation's result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  public Object callSuccess(Breaker s, Counters c) throws Exception {
    c.admitted++;
    return s.breaker.call(s.op);
  }

  /**
   * The same, 2 threads on one breaker.
   *
   * @param s the breaker
   * @param c admitted / rejected counts
   * @return the operation's result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  @Threads(2)
  public Object callSuccess2(Breaker s, Counters c) throws Exception {
    c.admitted++;
    return s.breaker.call(s.op);
  }
}
