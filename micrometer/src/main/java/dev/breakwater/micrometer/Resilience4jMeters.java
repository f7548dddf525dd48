package dev.breakwater.micrometer;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerStats;
import dev.breakwater.WindowMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The {@link NamingScheme#RESILIENCE4J} meters of one breaker: the names, tags and value
 * conventions of {@code resilience4j-micrometer} 2.4's {@code TaggedCircuitBreakerMetrics}
 * (facts taken from its {@code CircuitBreakerMetricNames} and
 * {@code AbstractCircuitBreakerMetrics}), read at scrape time instead of from events.
 */
final class Resilience4jMeters {
  static final String PREFIX = "resilience4j.circuitbreaker.";
  static final String STATE = PREFIX + "state";
  static final String CALLS = PREFIX + "calls";
  static final String CALLS_MAX = CALLS + " (max)";
  static final String CALLS_TOTAL_TIME = CALLS + " (total time)";
  static final String NOT_PERMITTED = PREFIX + "not.permitted.calls";
  static final String BUFFERED = PREFIX + "buffered.calls";
  static final String SLOW = PREFIX + "slow.calls";
  static final String SLOW_BY_KIND = SLOW + " (kind=successful|failed)";
  static final String FAILURE_RATE = PREFIX + "failure.rate";
  static final String SLOW_CALL_RATE = PREFIX + "slow.call.rate";

  private Resilience4jMeters() {}

  static Binding.BreakerMeters register(MeterRegistry registry, CircuitBreaker breaker) {
    CircuitBreakerConfig config = breaker.config();
    Tags tags = Tags.of("name", breaker.name());
    List<Meter> meters = new ArrayList<>(16);
    Map<String, String> unavailable = new LinkedHashMap<>();

    // Resilience4j 2.4 has the same six states; the tag is the lower-case name.
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      meters.add(Gauge.builder(STATE, breaker,
              SafeFunction.of(STATE, b -> b.state() == state ? 1 : 0))
          .description("The states of the circuit breaker")
          .tags(tags).tag("state", state.name().toLowerCase(Locale.ROOT))
          .strongReference(true).register(registry));
    }

    if (config.slidingWindowType() != null) {
      meters.add(Gauge.builder(BUFFERED, breaker,
              SafeFunction.of(BUFFERED, b -> b.metrics().failedCalls()))
          .description("The number of buffered failed calls stored in the ring buffer")
          .tags(tags).tag("kind", "failed").strongReference(true).register(registry));
      meters.add(Gauge.builder(BUFFERED, breaker, SafeFunction.of(BUFFERED, b -> {
            WindowMetrics m = b.metrics();
            return m.calls() - m.failedCalls();
          }))
          .description("The number of buffered successful calls stored in the ring buffer")
          .tags(tags).tag("kind", "successful").strongReference(true).register(registry));
      meters.add(Gauge.builder(FAILURE_RATE, breaker,
              SafeFunction.of(FAILURE_RATE, b -> b.metrics().failureRate()))
          .description("The failure rate of the circuit breaker")
          .tags(tags).strongReference(true).register(registry));
    } else {
      String why = ": no sliding window (the breaker counts consecutive failures)";
      unavailable.put(BUFFERED, BUFFERED + why);
      unavailable.put(FAILURE_RATE, FAILURE_RATE + why);
    }

    if (config.slidingWindowType() != null && config.slowCallDurationThreshold() != null) {
      // The window counts slow calls without their outcome: one series instead of two.
      meters.add(Gauge.builder(SLOW, breaker, SafeFunction.of(SLOW, b -> b.metrics().slowCalls()))
          .description("The number of slow calls (successful or failed) which were slower than "
              + "a certain threshold")
          .tags(tags).tag("kind", "all").strongReference(true).register(registry));
      meters.add(Gauge.builder(SLOW_CALL_RATE, breaker,
              SafeFunction.of(SLOW_CALL_RATE, b -> b.metrics().slowCallRate()))
          .description("The slow call of the circuit breaker")
          .tags(tags).strongReference(true).register(registry));
      unavailable.put(SLOW_BY_KIND, SLOW
          + ": the window counts slow calls without their outcome (exported as kind=all)");
    } else {
      String why = ": slow calls are not detected (a sliding window and "
          + "slowCallDurationThreshold)";
      unavailable.put(SLOW, SLOW + why);
      unavailable.put(SLOW_CALL_RATE, SLOW_CALL_RATE + why);
    }

    if (config.isRecordingStats()) {
      meters.add(timer(registry, breaker, tags, "successful", CircuitBreakerStats::successfulCalls,
          "Total number of successful calls"));
      meters.add(timer(registry, breaker, tags, "failed", CircuitBreakerStats::failedCalls,
          "Total number of failed calls"));
      meters.add(timer(registry, breaker, tags, "ignored", CircuitBreakerStats::ignoredCalls,
          "Total number of calls which failed but the exception was ignored"));
      meters.add(FunctionCounter.builder(NOT_PERMITTED, breaker,
              SafeFunction.of(NOT_PERMITTED, b -> b.stats().rejectedCalls()))
          .description("Total number of not permitted calls")
          .tags(tags).tag("kind", "not_permitted").register(registry));
      unavailable.put(CALLS_MAX, CALLS
          + " max: a maximum needs an event per call; Breakwater reads totals at scrape time");
      if (!config.isRecordingLatency()) {
        unavailable.put(CALLS_TOTAL_TIME, CALLS
            + " total time: latency is off (recordLatency()); the total time reads NaN");
      }
    } else {
      String why = ": statistics are off (CircuitBreakerConfig.Builder.recordStats())";
      unavailable.put(CALLS, CALLS + why);
      unavailable.put(NOT_PERMITTED, NOT_PERMITTED + why);
    }
    return new Binding.BreakerMeters(breaker, meters.toArray(new Meter[0]), unavailable);
  }

  /**
   * A function timer: the count of one kind is exact; its total time is that count times the
   * breaker's mean latency (the core does not time calls by outcome), NaN without latency.
   */
  private static Meter timer(MeterRegistry registry, CircuitBreaker breaker, Tags tags,
      String kind, ToLongFunction<CircuitBreakerStats> count, String description) {
    KindCount counter = new KindCount(count);
    return FunctionTimer.builder(CALLS, breaker, counter::count,
            SafeFunction.of(CALLS, b -> {
              CircuitBreakerStats s = b.stats();
              return totalNanos(s, count.applyAsLong(s), b.config().isRecordingLatency());
            }),
            TimeUnit.NANOSECONDS)
        .description(description).tags(tags).tag("kind", kind).register(registry);
  }

  /**
   * The count of one kind; if reading it fails, the last count read (a counter that dropped to 0
   * would look like a restart to Prometheus's {@code rate()}).
   */
  private static final class KindCount {
    private final ToLongFunction<CircuitBreakerStats> count;
    private final ToDoubleFunction<CircuitBreaker> safe;
    private volatile long last;

    KindCount(ToLongFunction<CircuitBreakerStats> count) {
      this.count = count;
      this.safe = SafeFunction.of(CALLS, b -> this.count.applyAsLong(b.stats()));
    }

    long count(CircuitBreaker breaker) {
      double c = safe.applyAsDouble(breaker);
      if (Double.isNaN(c)) {
        return last;
      }
      last = (long) c;
      return last;
    }
  }

  static double totalNanos(CircuitBreakerStats stats, long count, boolean latency) {
    if (!latency) {
      return Double.NaN;
    }
    if (count == 0) {
      return 0;
    }
    long timed = stats.timedCalls();
    return timed == 0 ? Double.NaN : (double) stats.totalLatency().toNanos() / timed * count;
  }
}
