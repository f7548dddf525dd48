package dev.breakwater.micrometer;

import static dev.breakwater.micrometer.Breakers.fail;
import static dev.breakwater.micrometer.Breakers.ignored;
import static dev.breakwater.micrometer.Breakers.rejected;
import static dev.breakwater.micrometer.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.SlidingWindowType;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NativeMetersTest {
  private final FakeTicker ticker = new FakeTicker();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private double gauge(String name, String breaker) {
    return meters.get(name).tag("name", breaker).gauge().value();
  }

  private double calls(String breaker, String outcome) {
    return meters.get("breakwater.circuitbreaker.calls").tag("name", breaker)
        .tag("outcome", outcome).functionCounter().count();
  }

  @Test
  void stateCodeFollowsEveryState() throws Exception {
    CircuitBreaker b = CircuitBreaker.of("db", Breakers.windowed(ticker).build());
    BreakwaterMetrics.ofBreaker(b, NamingScheme.NATIVE).bindTo(meters);
    String state = "breakwater.circuitbreaker.state";

    assertThat(gauge(state, "db")).isEqualTo(0);
    Breakers.open(b, ticker);
    assertThat(gauge(state, "db")).isEqualTo(1);
    Breakers.halfOpen(b, ticker);
    assertThat(gauge(state, "db")).isEqualTo(2);
    b.forceOpen();
    assertThat(gauge(state, "db")).isEqualTo(3);
    b.disable();
    assertThat(gauge(state, "db")).isEqualTo(4);
    b.metricsOnly();
    assertThat(gauge(state, "db")).isEqualTo(5);
    b.reset();
    assertThat(gauge(state, "db")).isEqualTo(0);
    assertThat(CircuitBreaker.State.values()).extracting(Enum::name).containsExactly(
        "CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN", "DISABLED", "METRICS_ONLY"); // the codes
  }

  @Test
  void callsByOutcomeTransitionsAndRatesAreReadAtScrapeTime() throws Exception {
    CircuitBreaker b = CircuitBreaker.of("api", Breakers.windowed(ticker).build());
    BreakwaterMetrics.ofBreaker(b, NamingScheme.NATIVE).bindTo(meters);

    String rate = "breakwater.circuitbreaker.failure.rate";
    String slow = "breakwater.circuitbreaker.slow.call.rate";
    assertThat(gauge(rate, "api")).isNaN();             // below the minimum number of calls
    assertThat(gauge(slow, "api")).isNaN();

    succeed(b, ticker, Duration.ofMillis(1));
    succeed(b, ticker, Duration.ofMillis(500));            // slow
    succeed(b, ticker, Duration.ofMillis(1));
    fail(b, ticker, Duration.ofMillis(1));
    ignored(b);
    assertThat(calls("api", "success")).isEqualTo(3);
    assertThat(calls("api", "failure")).isEqualTo(1);
    assertThat(calls("api", "ignored")).isEqualTo(1);
    assertThat(calls("api", "rejected")).isEqualTo(0);
    assertThat(gauge(rate, "api")).isCloseTo(0.25, within(1e-9));   // a ratio, not percent
    assertThat(gauge(slow, "api")).isCloseTo(0.25, within(1e-9));
    assertThat(meters.get(rate).gauge().getId().getTag("threshold")).isEqualTo("0.5");
    assertThat(meters.get(slow).gauge().getId().getTag("threshold")).isEqualTo("0.8");

    Breakers.open(b, ticker);
    rejected(b);
    rejected(b);
    assertThat(calls("api", "rejected")).isEqualTo(2);
    assertThat(meters.get("breakwater.circuitbreaker.transitions").functionCounter().count())
        .isEqualTo(1);
    assertThat(gauge(rate, "api")).isGreaterThanOrEqualTo(0.5);   // the window that opened it
  }

  @Test
  void atMostEightSeriesPerBreakerInPrometheus() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CircuitBreaker b = CircuitBreaker.of("full", Breakers.windowed(ticker).build());
    BreakwaterMetrics.ofBreaker(b, NamingScheme.NATIVE).bindTo(prometheus);
    succeed(b, ticker, Duration.ofMillis(1));

    List<String> series = Scrape.series(prometheus.scrape());
    assertThat(series).hasSize(8).allMatch(s -> s.contains("name=\"full\""));
    assertThat(Scrape.names(series)).containsExactlyInAnyOrder(
        "breakwater_circuitbreaker_state",
        "breakwater_circuitbreaker_calls_total",
        "breakwater_circuitbreaker_transitions_total",
        "breakwater_circuitbreaker_failure_rate",
        "breakwater_circuitbreaker_slow_call_rate");
  }

  @Test
  void withoutStatisticsOrWindowTheBinderSaysWhatItCannotProvide() {
    CircuitBreaker plain = CircuitBreaker.of("plain", CircuitBreakerConfig.builder().build());
    CircuitBreaker counted = CircuitBreaker.of("counted",
        CircuitBreakerConfig.builder().recordStats().build());
    CircuitBreaker windowed = CircuitBreaker.of("windowed", CircuitBreakerConfig.builder()
        .slidingWindow(SlidingWindowType.COUNT_BASED, 10).build());
    BreakwaterMetrics m1 = BreakwaterMetrics.ofBreaker(plain, NamingScheme.NATIVE);
    BreakwaterMetrics m2 = BreakwaterMetrics.ofBreaker(counted, NamingScheme.NATIVE);
    BreakwaterMetrics m3 = BreakwaterMetrics.ofBreaker(windowed, NamingScheme.NATIVE);
    m1.bindTo(meters);
    m2.bindTo(meters);
    m3.bindTo(meters);

    assertThat(m1.unavailableMeters()).containsOnlyKeys("plain");
    assertThat(m1.unavailableMeters().get("plain")).containsExactlyInAnyOrder(
        "breakwater.circuitbreaker.calls", "breakwater.circuitbreaker.transitions",
        "breakwater.circuitbreaker.failure.rate", "breakwater.circuitbreaker.slow.call.rate");
    assertThat(m2.unavailableMeters().get("counted")).containsExactlyInAnyOrder(
        "breakwater.circuitbreaker.failure.rate", "breakwater.circuitbreaker.slow.call.rate");
    assertThat(m3.unavailableMeters().get("windowed")).containsExactlyInAnyOrder(
        "breakwater.circuitbreaker.calls", "breakwater.circuitbreaker.transitions",
        "breakwater.circuitbreaker.slow.call.rate");

    // not registered at all, rather than zeros
    assertThat(meters.find("breakwater.circuitbreaker.calls").tag("name", "plain").meters())
        .isEmpty();
    assertThat(meters.find("breakwater.circuitbreaker.calls").tag("name", "counted").meters())
        .hasSize(4);
    assertThat(meters.find("breakwater.circuitbreaker.failure.rate").meters())
        .extracting(x -> x.getId().getTag("name")).containsExactly("windowed");
    assertThat(meterNames("plain")).containsExactly("breakwater.circuitbreaker.state");
  }

  private List<String> meterNames(String breaker) {
    return meters.getMeters().stream().filter(m -> breaker.equals(m.getId().getTag("name")))
        .map(Meter::getId).map(Meter.Id::getName).distinct().collect(Collectors.toList());
  }

  @Test
  void badArgumentsAreNamed() {
    CircuitBreaker b = CircuitBreaker.ofDefaults("x");
    assertThatThrownBy(() -> BreakwaterMetrics.ofBreaker(null, NamingScheme.NATIVE))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("breaker");
    assertThatThrownBy(() -> BreakwaterMetrics.ofBreaker(b, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("scheme");
    assertThatThrownBy(() -> BreakwaterMetrics.ofRegistry(null, NamingScheme.NATIVE))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("registry");
    assertThatThrownBy(() -> BreakwaterMetrics.ofBreaker(b, NamingScheme.NATIVE).bindTo(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("meterRegistry");
  }

  @Test
  void ratiosAreWrittenShortly() {
    assertThat(Arrays.asList(NativeMeters.ratio(50), NativeMeters.ratio(100),
        NativeMeters.ratio(1), NativeMeters.ratio(33))).containsExactly("0.5", "1", "0.01", "0.33");
  }
}
