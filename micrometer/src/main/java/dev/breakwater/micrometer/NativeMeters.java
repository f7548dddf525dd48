package dev.breakwater.micrometer;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.WindowMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The {@link NamingScheme#NATIVE} meters of one breaker (at most 8 series). */
final class NativeMeters {
  static final String PREFIX = "breakwater.circuitbreaker.";
  static final String STATE = PREFIX + "state";
  static final String CALLS = PREFIX + "calls";
  static final String TRANSITIONS = PREFIX + "transitions";
  static final String FAILURE_RATE = PREFIX + "failure.rate";
  static final String SLOW_CALL_RATE = PREFIX + "slow.call.rate";

  private NativeMeters() {}

  static Binding.BreakerMeters register(MeterRegistry registry, CircuitBreaker breaker) {
    CircuitBreakerConfig config = breaker.config();
    Tags tags = Tags.of("name", breaker.name());
    List<Meter> meters = new ArrayList<>(8);
    Map<String, String> unavailable = new LinkedHashMap<>();

    meters.add(Gauge.builder(STATE, breaker, SafeFunction.of(STATE, b -> b.state().ordinal()))
        .description("The breaker's state: 0 closed, 1 open, 2 half_open, 3 forced_open, "
            + "4 disabled, 5 metrics_only")
        .tags(tags).strongReference(true).register(registry));

    if (config.isRecordingStats()) {
      meters.add(calls(registry, breaker, tags, "success", b -> b.stats().successfulCalls(),
          "Calls that succeeded"));
      meters.add(calls(registry, breaker, tags, "failure", b -> b.stats().failedCalls(),
          "Calls that failed"));
      meters.add(calls(registry, breaker, tags, "ignored", b -> b.stats().ignoredCalls(),
          "Calls that ended without a verdict (ignored exceptions, cancellations)"));
      meters.add(calls(registry, breaker, tags, "rejected", b -> b.stats().rejectedCalls(),
          "Calls not permitted by the breaker"));
      meters.add(FunctionCounter.builder(TRANSITIONS, breaker,
              SafeFunction.of(TRANSITIONS, b -> b.stats().stateTransitions()))
          .description("State transitions of the breaker").tags(tags).register(registry));
    } else {
      String why = "statistics are off (CircuitBreakerConfig.Builder.recordStats())";
      unavailable.put(CALLS, CALLS + ": " + why);
      unavailable.put(TRANSITIONS, TRANSITIONS + ": " + why);
    }

    if (config.slidingWindowType() != null) {
      meters.add(Gauge.builder(FAILURE_RATE, breaker, SafeFunction.of(FAILURE_RATE, b -> {
            WindowMetrics m = b.metrics();
            return m.hasEnoughCalls() ? (double) m.failedCalls() / m.calls() : Double.NaN;
          }))
          .description("The sliding window's failure rate (0-1; NaN below the minimum number "
              + "of calls); the breaker opens at the tag threshold")
          .tags(tags).tag("threshold", ratio(config.failureRateThreshold()))
          .strongReference(true).register(registry));
    } else {
      unavailable.put(FAILURE_RATE, FAILURE_RATE
          + ": no sliding window (the breaker counts consecutive failures)");
    }
    if (config.slidingWindowType() != null && config.slowCallDurationThreshold() != null) {
      meters.add(Gauge.builder(SLOW_CALL_RATE, breaker, SafeFunction.of(SLOW_CALL_RATE, b -> {
            WindowMetrics m = b.metrics();
            return m.hasEnoughCalls() ? (double) m.slowCalls() / m.calls() : Double.NaN;
          }))
          .description("The sliding window's slow-call rate (0-1; NaN below the minimum number "
              + "of calls); the breaker opens at the tag threshold")
          .tags(tags).tag("threshold", ratio(config.slowCallRateThreshold()))
          .strongReference(true).register(registry));
    } else {
      unavailable.put(SLOW_CALL_RATE, SLOW_CALL_RATE
          + ": slow calls are not detected (a sliding window and slowCallDurationThreshold)");
    }
    return new Binding.BreakerMeters(breaker, meters.toArray(new Meter[0]), unavailable);
  }

  private static Meter calls(MeterRegistry registry, CircuitBreaker breaker, Tags tags,
      String outcome, ToDoubleFunction<CircuitBreaker> count, String description) {
    return FunctionCounter.builder(CALLS, breaker, SafeFunction.of(CALLS, count))
        .description(description).tags(tags).tag("outcome", outcome).register(registry);
  }

  /** A percentage as a ratio, written shortly: 50 → "0.5", 100 → "1". */
  static String ratio(int percent) {
    return BigDecimal.valueOf(percent).movePointLeft(2).stripTrailingZeros().toPlainString();
  }
}
