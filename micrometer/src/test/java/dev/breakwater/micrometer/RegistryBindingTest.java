package dev.breakwater.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerRegistry;
import dev.breakwater.LatencyRecorder;
import dev.breakwater.SlidingWindowType;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RegistryBindingTest {
  private final FakeTicker ticker = new FakeTicker();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private CircuitBreakerRegistry registry(CircuitBreakerConfig config) {
    return CircuitBreakerRegistry.builder().defaultConfig(config).ticker(ticker).build();
  }

  private Set<String> boundNames() {
    return meters.getMeters().stream().map(m -> m.getId().getTag("name"))
        .collect(Collectors.toSet());
  }

  private List<Meter> metersOf(String name) {
    return meters.getMeters().stream().filter(m -> name.equals(m.getId().getTag("name")))
        .collect(Collectors.toList());
  }

  @Test
  void presentAndLaterBreakersAreBoundRemovedAndEvictedOnesUnbound() {
    for (NamingScheme scheme : EnumSet.allOf(NamingScheme.class)) {
      SimpleMeterRegistry m = new SimpleMeterRegistry();
      CircuitBreakerRegistry r = registry(CircuitBreakerConfig.builder().recordStats().build());
      r.breaker("before");
      BreakwaterMetrics.ofRegistry(r, scheme).bindTo(m);
      r.breaker("after");
      assertThat(m.getMeters()).extracting(x -> x.getId().getTag("name")).as(scheme.name())
          .containsOnly("before", "after");
      int perBreaker = m.getMeters().size() / 2;

      assertThat(r.remove("before")).isTrue();
      assertThat(m.getMeters()).extracting(x -> x.getId().getTag("name")).containsOnly("after");
      assertThat(m.getMeters()).hasSize(perBreaker);
    }
  }

  @Test
  void idleEvictionUnbinds() {
    CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().ticker(ticker)
        .evictIdleAfter(Duration.ofMinutes(1)).build();
    r.breaker("idle");
    BreakwaterMetrics.ofRegistry(r, NamingScheme.NATIVE).bindTo(meters);
    assertThat(boundNames()).containsOnly("idle");
    ticker.advance(Duration.ofMinutes(2));
    assertThat(r.evictIdle()).isEqualTo(1);
    assertThat(meters.getMeters()).isEmpty();
  }

  @Test
  void aReplacedBreakersMetersMoveToTheNewInstance() throws Exception {
    CircuitBreakerRegistry r = registry(CircuitBreakerConfig.builder().recordStats().build());
    CircuitBreaker old = r.breaker("svc");
    BreakwaterMetrics.ofRegistry(r, NamingScheme.NATIVE).bindTo(meters);
    old.call(() -> "ok");
    assertThat(meters.get("breakwater.circuitbreaker.calls").tag("outcome", "success")
        .functionCounter().count()).isEqualTo(1);

    CircuitBreaker fresh = r.replace("svc", CircuitBreakerConfig.builder().recordStats().build());
    assertThat(fresh).isNotSameAs(old);
    assertThat(meters.get("breakwater.circuitbreaker.calls").tag("outcome", "success")
        .functionCounter().count()).isEqualTo(0);             // the new breaker's count
    fresh.call(() -> "ok");
    fresh.call(() -> "ok");
    old.call(() -> "ok");                                       // no longer exported
    assertThat(meters.get("breakwater.circuitbreaker.calls").tag("outcome", "success")
        .functionCounter().count()).isEqualTo(2);
    assertThat(metersOf("svc")).hasSize(6);
  }

  @Test
  void reconfiguringReEvaluatesWhichMetersABreakerCanHave() {
    CircuitBreakerRegistry r = registry(CircuitBreakerConfig.builder().build());
    CircuitBreaker b = r.breaker("svc");
    BreakwaterMetrics metrics = BreakwaterMetrics.ofRegistry(r, NamingScheme.NATIVE);
    metrics.bindTo(meters);
    assertThat(metersOf("svc")).hasSize(1);                     // state only
    assertThat(metrics.unavailableMeters().get("svc"))
        .contains("breakwater.circuitbreaker.calls");

    assertThat(r.reconfigure("svc", CircuitBreakerConfig.builder().recordStats()
        .slidingWindow(SlidingWindowType.COUNT_BASED, 20).failureRateThreshold(40).build()))
        .isTrue();
    assertThat(r.breaker("svc")).isSameAs(b);
    assertThat(metersOf("svc")).hasSize(7);
    assertThat(meters.get("breakwater.circuitbreaker.failure.rate").gauge().getId()
        .getTag("threshold")).isEqualTo("0.4");
    assertThat(metrics.unavailableMeters().get("svc"))
        .containsExactly("breakwater.circuitbreaker.slow.call.rate");

    r.reconfigure("svc", CircuitBreakerConfig.builder().build());   // statistics off again
    assertThat(metersOf("svc")).hasSize(1);
  }

  @Test
  void bindingTwoMeterRegistriesBindsBoth() {
    CircuitBreakerRegistry r = registry(CircuitBreakerConfig.builder().build());
    BreakwaterMetrics metrics = BreakwaterMetrics.ofRegistry(r, NamingScheme.RESILIENCE4J);
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    metrics.bindTo(meters);
    metrics.bindTo(other);
    r.breaker("a");
    assertThat(meters.getMeters()).hasSize(6);
    assertThat(other.getMeters()).hasSize(6);
    r.remove("a");
    assertThat(meters.getMeters()).isEmpty();
    assertThat(other.getMeters()).isEmpty();
  }

  @Test
  void aThrowingMeterFunctionReadsNaNAndBreaksNothing() throws Exception {
    // A time window reads the ticker when its metrics are read: a ticker that throws at scrape
    // time makes the window meters' functions throw.
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
    dev.breakwater.Ticker ticking = () -> {
      if (broken.get()) {
        throw new IllegalStateException("clock down");
      }
      return ticker.read();
    };
    CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().defaultConfig(
        CircuitBreakerConfig.builder().recordStats().ticker(ticking)
            .slidingWindow(SlidingWindowType.TIME_BASED, Duration.ofSeconds(10))
            .minimumNumberOfCalls(1).build()).build();
    CircuitBreaker b = r.breaker("svc");
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BreakwaterMetrics.ofRegistry(r, NamingScheme.RESILIENCE4J).bindTo(prometheus);
    BreakwaterMetrics.ofRegistry(r, NamingScheme.NATIVE).bindTo(meters);
    b.call(() -> "ok");
    assertThat(meters.get("breakwater.circuitbreaker.failure.rate").gauge().value()).isEqualTo(0);

    broken.set(true);
    String text = prometheus.scrape();                          // does not throw
    assertThat(text).contains("resilience4j_circuitbreaker_state{name=\"svc\",state=\"closed\"} 1")
        .contains("resilience4j_circuitbreaker_failure_rate{name=\"svc\"} NaN");
    assertThat(meters.get("breakwater.circuitbreaker.failure.rate").gauge().value()).isNaN();
    assertThat(meters.get("breakwater.circuitbreaker.state").gauge().value()).isEqualTo(0);
    assertThat(meters.get("breakwater.circuitbreaker.calls").tag("outcome", "success")
        .functionCounter().count()).isEqualTo(1);

    broken.set(false);
    assertThat(b.call(() -> "still works")).isEqualTo("still works");
    assertThat(meters.get("breakwater.circuitbreaker.failure.rate").gauge().value()).isEqualTo(0);
  }

  @Test
  void aFailingLatencyRecorderLeavesTheTotalTimeUnknownNotZero() throws Exception {
    LatencyRecorder broken = new LatencyRecorder() {
      @Override
      public void record(long nanos) {}

      @Override
      public long count() {
        throw new IllegalStateException("recorder down");
      }

      @Override
      public long totalNanos() {
        throw new IllegalStateException("recorder down");
      }
    };
    CircuitBreakerRegistry r = registry(CircuitBreakerConfig.builder()
        .recordLatency(name -> broken).build());
    CircuitBreaker b = r.breaker("svc");
    BreakwaterMetrics.ofRegistry(r, NamingScheme.RESILIENCE4J).bindTo(meters);
    b.call(() -> "ok");
    assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("kind", "successful")
        .functionTimer().count()).isEqualTo(1);
    assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("kind", "successful")
        .functionTimer().totalTime(java.util.concurrent.TimeUnit.SECONDS)).isNaN();
  }

  @Test
  void eventsRacingTheBindingLeaveExactlyTheRegisteredBreakersBound() throws Exception {
    for (int round = 0; round < 20; round++) {
      CircuitBreakerRegistry r = registry(CircuitBreakerConfig.builder().build());
      SimpleMeterRegistry m = new SimpleMeterRegistry();
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      CircuitBreakerConfig counted = CircuitBreakerConfig.builder().recordStats().build();
      java.util.function.IntFunction<Thread> churner = seed -> new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = seed; i < seed + 200; i++) {
          r.breaker("b" + (i % 50));
          if (i % 3 == 0) {
            r.remove("b" + ((i * 7) % 50));
          }
          if (i % 5 == 0) {
            r.replace("b" + ((i * 11) % 50), CircuitBreakerConfig.builder().build());
          }
          if (i % 7 == 0) {
            r.reconfigure("b" + ((i * 13) % 50), i % 2 == 0 ? counted
                : CircuitBreakerConfig.builder().build());
          }
        }
      });
      Thread one = churner.apply(0);
      Thread two = churner.apply(1000);
      one.start();
      two.start();
      start.countDown();
      BreakwaterMetrics.ofRegistry(r, NamingScheme.NATIVE).bindTo(m);
      one.join(10_000);
      two.join(10_000);
      assertThat(one.isAlive() || two.isAlive()).isFalse();
      // every registered breaker has exactly the meters its config allows now
      for (CircuitBreaker b : r.breakers()) {
        assertThat(m.find("breakwater.circuitbreaker.state").tag("name", b.name()).meters())
            .hasSize(1);
        assertThat(m.find("breakwater.circuitbreaker.calls").tag("name", b.name()).meters())
            .as(b.name()).hasSize(b.config().isRecordingStats() ? 4 : 0);
      }
      Set<String> registered = r.breakers().stream().map(CircuitBreaker::name)
          .collect(Collectors.toSet());
      assertThat(m.getMeters().stream().map(x -> x.getId().getTag("name"))
          .collect(Collectors.toSet())).as("round " + round).isEqualTo(registered);
    }
  }

  @Test
  void eventsHandledOutOfOrderStillEndWithTheRegistrysState() {
    // Two threads: one replaces "a", the other then removes it; their events reach the binder
    // in the opposite order (REMOVED of the new breaker first, then REPLACED).
    CircuitBreakerRegistry r = registry(CircuitBreakerConfig.builder().build());
    Binding binding = new Binding(meters, NamingScheme.NATIVE, r);
    CircuitBreaker first = r.breaker("a");
    binding.reconcile("a", null);
    assertThat(metersOf("a")).hasSize(1);
    CircuitBreaker second = r.replace("a", CircuitBreakerConfig.builder().build());
    r.remove("a");
    binding.onEvent(dev.breakwater.RegistryEvent.REMOVED, second);
    binding.onEvent(dev.breakwater.RegistryEvent.REPLACED, second);
    assertThat(first).isNotSameAs(second);
    assertThat(metersOf("a")).isEmpty();                 // not the first breaker's meters

    // and the other way round: ADDED handled after the REMOVED of a later instance
    CircuitBreaker third = r.breaker("a");
    binding.onEvent(dev.breakwater.RegistryEvent.ADDED, third);
    assertThat(metersOf("a")).hasSize(1);
    binding.onEvent(dev.breakwater.RegistryEvent.REMOVED, second);   // stale: changes nothing
    assertThat(metersOf("a")).hasSize(1);
    assertThat(binding.size()).isEqualTo(1);
  }
}
