package dev.breakwater.bench;

import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerRegistry;
import dev.breakwater.micrometer.BreakwaterMetrics;
import dev.breakwater.micrometer.NamingScheme;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
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
 * Case 16 (issue 13): {@code PrometheusMeterRegistry.scrape()} of a registry of 10,000 breakers
 * (each called once, so every counter has a value): Breakwater's breakers with statistics bound
 * by {@code BreakwaterMetrics} under the native names ({@code breakwater}: 6 series per breaker,
 * no window), and Resilience4j 2.4's default breakers bound by its own
 * {@code TaggedCircuitBreakerMetrics} ({@code resilience4j}: 22 series per breaker). Time per
 * scrape and bytes per scrape ({@code -prof gc}); the text is consumed by JMH.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
public class ScrapeBenchmark {

  /** The number of breakers. */
  static final int BREAKERS = 10_000;

  /** A meter registry bound to 10,000 breakers. */
  @State(Scope.Benchmark)
  public static class Scraped {
    /** {@code breakwater} (native names) or {@code resilience4j}. */
    @Param({"breakwater", "resilience4j"})
    public String impl;

    PrometheusMeterRegistry meters;

    /** Creates and binds the breakers. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      if (impl.equals("breakwater")) {
        CircuitBreakerRegistry r = CircuitBreakerRegistry.builder()
            .defaultConfig(CircuitBreakerConfig.builder().recordStats().build()).build();
        BreakwaterMetrics.ofRegistry(r, NamingScheme.NATIVE).bindTo(meters);
        for (int i = 0; i < BREAKERS; i++) {
          r.breaker("breaker-" + i).call(() -> "ok");
        }
      } else if (impl.equals("resilience4j")) {
        io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry r =
            io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(r).bindTo(meters);
        for (int i = 0; i < BREAKERS; i++) {
          r.circuitBreaker("breaker-" + i).executeSupplier(() -> "ok");
        }
      } else {
        throw new IllegalArgumentException("impl: " + impl);
      }
      String text = meters.scrape();
      if (!text.contains("name=\"breaker-" + (BREAKERS - 1) + "\"")) {
        throw new IllegalStateException("not every breaker is exported");
      }
    }
  }

  /**
   * One scrape, Prometheus text format.
   *
   * @param s the bound meter registry
   * @return the text
   */
  @Benchmark
  public String scrape(Scraped s) {
    return s.meters.scrape();
  }
}
