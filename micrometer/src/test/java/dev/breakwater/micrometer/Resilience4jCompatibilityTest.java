package dev.breakwater.micrometer;

import static dev.breakwater.micrometer.Breakers.fail;
import static dev.breakwater.micrometer.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.breakwater.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A real Resilience4j 2.4 breaker bound by {@code resilience4j-micrometer}'s
 * {@code TaggedCircuitBreakerMetrics} and a Breakwater breaker bound with
 * {@link NamingScheme#RESILIENCE4J}, in one meter registry: the scraped series must have the same
 * names and label keys, and the same value conventions.
 */
class Resilience4jCompatibilityTest {
  private final FakeTicker ticker = new FakeTicker();

  private static CircuitBreakerRegistry r4jRegistry() {
    return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindow(10, 4, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(50)
        .slowCallDurationThreshold(Duration.ofMillis(100))
        .build());
  }

  @Test
  void sameSeriesNamesAndLabelKeysInOnePrometheusScrape() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CircuitBreakerRegistry r4j = r4jRegistry();
    io.github.resilience4j.circuitbreaker.CircuitBreaker theirs = r4j.circuitBreaker("theirs");
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(r4j).bindTo(prometheus);
    CircuitBreaker ours = CircuitBreaker.of("ours", Breakers.windowed(ticker).build());
    BreakwaterMetrics.ofBreaker(ours, NamingScheme.RESILIENCE4J).bindTo(prometheus);
    // one call of each kind on both, so that every timer has been used
    theirs.executeSupplier(() -> "ok");
    succeed(ours, ticker, Duration.ofMillis(1));

    List<String> series = Scrape.series(prometheus.scrape());
    Set<String> theirShapes = shapes(series, "theirs");
    Set<String> ourShapes = shapes(series, "ours");
    System.out.println("Resilience4j series: " + theirShapes);

    // The one documented difference: no _max (a maximum needs an event per call).
    Set<String> expected = new TreeSet<>(theirShapes);
    assertThat(expected.remove("resilience4j_circuitbreaker_calls_seconds_max[kind, name]"))
        .isTrue();
    assertThat(ourShapes).isEqualTo(expected);
    // and the same label values where Breakwater has the same information
    assertThat(labelValues(series, "theirs", "state"))
        .isEqualTo(labelValues(series, "ours", "state"))
        .containsExactlyInAnyOrder("closed", "open", "half_open", "forced_open", "disabled",
            "metrics_only");
    assertThat(kinds(series, "ours", "resilience4j_circuitbreaker_calls_seconds_count"))
        .isEqualTo(kinds(series, "theirs", "resilience4j_circuitbreaker_calls_seconds_count"));
    assertThat(kinds(series, "ours", "resilience4j_circuitbreaker_buffered_calls"))
        .isEqualTo(kinds(series, "theirs", "resilience4j_circuitbreaker_buffered_calls"));
    assertThat(kinds(series, "ours", "resilience4j_circuitbreaker_not_permitted_calls_total"))
        .isEqualTo(kinds(series, "theirs", "resilience4j_circuitbreaker_not_permitted_calls_total"));
    // documented: slow calls without their outcome
    assertThat(kinds(series, "ours", "resilience4j_circuitbreaker_slow_calls")).containsExactly("all");
  }

  @Test
  void sameValueConventions() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CircuitBreakerRegistry r4j = r4jRegistry();
    io.github.resilience4j.circuitbreaker.CircuitBreaker theirs = r4j.circuitBreaker("theirs");
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(r4j).bindTo(meters);
    CircuitBreaker ours = CircuitBreaker.of("ours", Breakers.windowed(ticker).build());
    BreakwaterMetrics.ofBreaker(ours, NamingScheme.RESILIENCE4J).bindTo(meters);

    // below the minimum number of calls: -1 on both
    assertThat(value(meters, "resilience4j.circuitbreaker.failure.rate", "ours")).isEqualTo(-1);
    assertThat(value(meters, "resilience4j.circuitbreaker.failure.rate", "theirs")).isEqualTo(-1);
    assertThat(value(meters, "resilience4j.circuitbreaker.slow.call.rate", "ours")).isEqualTo(-1);

    // the same 3 successes and 1 failure on both: 25 percent, the same buffered counts
    for (int i = 0; i < 3; i++) {
      theirs.executeSupplier(() -> "ok");
      succeed(ours, ticker, Duration.ofMillis(1));
    }
    try {
      theirs.executeSupplier(() -> {
        throw new IllegalStateException("down");
      });
    } catch (IllegalStateException expected) {
      // counted as failed
    }
    fail(ours, ticker, Duration.ofMillis(1));
    for (String name : List.of("ours", "theirs")) {
      assertThat(value(meters, "resilience4j.circuitbreaker.failure.rate", name))
          .as(name).isCloseTo(25.0, within(1e-3));
      assertThat(value(meters, "resilience4j.circuitbreaker.slow.call.rate", name))
          .as(name).isCloseTo(0.0, within(1e-3));
      assertThat(meters.get("resilience4j.circuitbreaker.buffered.calls").tag("name", name)
          .tag("kind", "successful").gauge().value()).as(name).isEqualTo(3);
      assertThat(meters.get("resilience4j.circuitbreaker.buffered.calls").tag("name", name)
          .tag("kind", "failed").gauge().value()).as(name).isEqualTo(1);
      assertThat(meters.find("resilience4j.circuitbreaker.calls").tag("name", name)
          .tag("kind", "successful").meters()).hasSize(1);
      assertThat(state(meters, name, "closed")).isEqualTo(1);
      assertThat(state(meters, name, "open")).isEqualTo(0);
    }
    assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("name", "ours")
        .tag("kind", "successful").functionTimer().count()).isEqualTo(3);
    assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("name", "ours")
        .tag("kind", "failed").functionTimer().count()).isEqualTo(1);
    // each call took 1 ms on the fake ticker: the mean, times the count
    assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("name", "ours")
        .tag("kind", "successful").functionTimer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isCloseTo(3.0, within(1e-9));

    // open both: one-hot state, not-permitted counts
    theirs.transitionToOpenState();
    Breakers.open(ours, ticker);
    theirs.tryAcquirePermission();
    Breakers.rejected(ours);
    for (String name : List.of("ours", "theirs")) {
      assertThat(state(meters, name, "open")).as(name).isEqualTo(1);
      assertThat(state(meters, name, "closed")).as(name).isEqualTo(0);
      assertThat(meters.find("resilience4j.circuitbreaker.not.permitted.calls")
          .tag("name", name).tag("kind", "not_permitted").meters()).hasSize(1);
    }
    assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls").tag("name", "ours")
        .functionCounter().count()).isEqualTo(1);
    assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls").tag("name", "theirs")
        .counter().count()).isEqualTo(1);
  }

  private static double value(SimpleMeterRegistry meters, String meter, String name) {
    return meters.get(meter).tag("name", name).gauge().value();
  }

  private static double state(SimpleMeterRegistry meters, String name, String state) {
    return meters.get("resilience4j.circuitbreaker.state").tag("name", name)
        .tag("state", state).gauge().value();
  }

  private static Set<String> shapes(List<String> series, String breaker) {
    return Scrape.shapes(series.stream().filter(s -> s.contains("name=\"" + breaker + "\""))
        .collect(Collectors.toList()));
  }

  private static Set<String> labelValues(List<String> series, String breaker, String key) {
    return series.stream().filter(s -> s.contains("name=\"" + breaker + "\""))
        .map(s -> Scrape.labelValue(s, key)).filter(v -> v != null)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> kinds(List<String> series, String breaker, String metric) {
    return labelValues(series.stream().filter(s -> Scrape.name(s).equals(metric))
        .collect(Collectors.toList()), breaker, "kind");
  }
}
