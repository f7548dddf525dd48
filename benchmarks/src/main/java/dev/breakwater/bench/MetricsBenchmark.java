package dev.breakwater.bench;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.micrometer.BreakwaterMetrics;
import dev.breakwater.micrometer.NamingScheme;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
 * Case 15 (issue 13): a CLOSED success via {@code call()} with statistics on, the breaker bound
 * to a {@code PrometheusMeterRegistry} by {@code breakwater-micrometer} ({@code
 * breakwater-stats-bound}) or not ({@code breakwater-stats}). The binder's meters read the
 * breaker at scrape time only, so the target is "bound at most unbound + 1 ns", 0 B/op. The
 * registry is scraped once in the set-up, so that the meters' functions have run. A control,
 * {@code breakwater-stats-other-bound}, does the same with another breaker bound.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class MetricsBenchmark {

  /** The breaker, bound or not. */
  @State(Scope.Benchmark)
  public static class Breaker {
    /**
     * {@code breakwater-stats} (not bound), {@code breakwater-stats-bound}, or
     * {@code breakwater-stats-other-bound} (a control: the same Micrometer set-up and scrape, but
     * with another breaker bound, so that it separates "this breaker is bound" from "Micrometer
     * was loaded and ran in this JVM").
     */
    @Param({"breakwater-stats", "breakwater-stats-bound", "breakwater-stats-other-bound"})
    public String impl;

    CircuitBreaker breaker;
    PrometheusMeterRegistry meters;
    final Operation op = new Operation(Integer.valueOf(42));

    /** Builds the breaker, CLOSED, and binds it if asked. */
    @Setup(Level.Trial)
    public void setUp() {
      breaker = CircuitBreaker.of("metrics", CircuitBreakerConfig.builder().recordStats().build());
      if (impl.equals("breakwater-stats-bound") || impl.equals("breakwater-stats-other-bound")) {
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CircuitBreaker bound = impl.equals("breakwater-stats-bound") ? breaker
            : CircuitBreaker.of("other", CircuitBreakerConfig.builder().recordStats().build());
        BreakwaterMetrics.ofBreaker(bound, NamingScheme.NATIVE).bindTo(meters);
        if (!meters.scrape().contains("breakwater_circuitbreaker_calls_total")) {
          throw new IllegalStateException("the binder registered nothing");
        }
      } else if (!impl.equals("breakwater-stats")) {
        throw new IllegalArgumentException("impl: " + impl);
      }
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
}
