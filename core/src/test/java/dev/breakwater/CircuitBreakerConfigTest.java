package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CircuitBreakerConfigTest {

  @Test
  void defaultsAreConservative() {
    CircuitBreakerConfig d = CircuitBreakerConfig.defaults();
    assertThat(d).isSameAs(CircuitBreakerConfig.conservative());
    assertPreset(d, 5, 2, Duration.ofSeconds(60), 3);
    assertThat(d.openTimeoutMultiplier()).isEqualTo(1.0);
    assertThat(d.maxOpenTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.ticker()).isSameAs(Ticker.systemTicker());
    assertPreset(CircuitBreakerConfig.builder().build(), 5, 2, Duration.ofSeconds(60), 3);
  }

  @Test
  void presets() {
    assertPreset(CircuitBreakerConfig.aggressive(), 3, 3, Duration.ofSeconds(30), 1);
    assertPreset(CircuitBreakerConfig.tolerant(), 10, 1, Duration.ofSeconds(120), 5);
  }

  private static void assertPreset(
      CircuitBreakerConfig c, int failures, int successes, Duration timeout, int probes) {
    assertThat(c.failureThreshold()).isEqualTo(failures);
    assertThat(c.successThreshold()).isEqualTo(successes);
    assertThat(c.openTimeout()).isEqualTo(timeout);
    assertThat(c.halfOpenMaxCalls()).isEqualTo(probes);
  }

  @Test
  void presetsBehaveAsConfigured() {
    FakeTicker ticker = new FakeTicker();
    CircuitBreaker b = CircuitBreaker.of("x",
        CircuitBreakerConfig.aggressive().toBuilder().ticker(ticker).build());
    for (int i = 0; i < 2; i++) {
      b.onFailure(b.tryAcquire());
    }
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    b.onFailure(b.tryAcquire());
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    ticker.advance(Duration.ofSeconds(30).plusMillis(1));
    long probe = b.tryAcquire();
    assertThat(probe).isNotEqualTo(CircuitBreaker.REJECTED);
    assertThat(b.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED); // one probe
    b.onSuccess(probe);
    b.onSuccess(b.tryAcquire());
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    b.onSuccess(b.tryAcquire());
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED); // three successes
  }

  @Test
  void toBuilderKeepsEverySetting() {
    Predicate<Throwable> rec = t -> t instanceof IOException;
    Predicate<Object> res = r -> r == null;
    Ticker ticker = () -> 42;
    CircuitBreakerConfig c = CircuitBreakerConfig.builder()
        .failureThreshold(7).successThreshold(4).halfOpenMaxCalls(9)
        .openTimeout(Duration.ofSeconds(3)).openTimeoutBackoff(1.5, Duration.ofSeconds(30))
        .recordException(rec).ignoreExceptions(IllegalStateException.class)
        .recordResult(res).ticker(ticker).build();
    CircuitBreakerConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.ticker()).isSameAs(ticker);
    assertThat(copy.openTimeout(1)).isEqualTo(Duration.ofMillis(4500));
    assertThat(copy.classify(new IllegalStateException())).isEqualTo(2);
    assertThat(copy.classify(new IOException())).isEqualTo(1);
    assertThat(copy.classify(new RuntimeException())).isEqualTo(0);
    assertThat(copy.isFailureResult(null)).isTrue();
    // a derived config may move the base timeout without touching a backoff it never had
    assertThat(CircuitBreakerConfig.defaults().toBuilder()
        .openTimeout(Duration.ofMinutes(10)).build().maxOpenTimeout())
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void backoffTableMultipliesAndCaps() {
    CircuitBreakerConfig c = CircuitBreakerConfig.builder()
        .openTimeout(Duration.ofSeconds(10))
        .openTimeoutBackoff(2.0, Duration.ofSeconds(100)).build();
    assertThat(c.openTimeout(0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.openTimeout(1)).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.openTimeout(2)).isEqualTo(Duration.ofSeconds(40));
    assertThat(c.openTimeout(3)).isEqualTo(Duration.ofSeconds(80));
    assertThat(c.openTimeout(4)).isEqualTo(Duration.ofSeconds(100));
    assertThat(c.openTimeout(1000)).isEqualTo(Duration.ofSeconds(100));
    assertThat(c.maxLevel).isEqualTo(4);
    assertThatThrownBy(() -> c.openTimeout(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reopens must be in [0, 2147483647]: -1");
  }

  @Test
  void aSmallMultiplierSaturatesAt63Reopens() {
    CircuitBreakerConfig c = CircuitBreakerConfig.builder()
        .openTimeout(Duration.ofSeconds(1))
        .openTimeoutBackoff(1.01, Duration.ofDays(1)).build();
    assertThat(c.maxLevel).isEqualTo(63);
    assertThat(c.openTimeout(63)).isEqualTo(c.openTimeout(64));
    assertThat(c.openTimeout(63).toMillis()).isBetween(1860L, 1880L); // 1.01^63 = 1.87
  }

  @Test
  void acceptsTheDocumentedExtremes() {
    CircuitBreakerConfig c = CircuitBreakerConfig.builder()
        .failureThreshold(65535).successThreshold(1023).halfOpenMaxCalls(1023)
        .openTimeout(Duration.ofMillis(1)).build();
    assertThat(c.failureThreshold()).isEqualTo(65535);
    CircuitBreakerConfig thousand = CircuitBreakerConfig.builder()
        .failureThreshold(1000).successThreshold(1000).halfOpenMaxCalls(1000).build();
    assertThat(thousand.successThreshold()).isEqualTo(1000);
    CircuitBreakerConfig days = CircuitBreakerConfig.builder()
        .openTimeout(Duration.ofDays(24))
        .openTimeoutBackoff(3.0, Duration.ofDays(365)).build();
    assertThat(days.openTimeout(10)).isEqualTo(Duration.ofDays(365));
  }

  @Test
  void validationNamesSettingValueAndRange() {
    assertInvalid(b -> b.failureThreshold(0), "failureThreshold must be in [1, 65535]: 0");
    assertInvalid(b -> b.failureThreshold(-3), "failureThreshold must be in [1, 65535]: -3");
    assertInvalid(b -> b.failureThreshold(65536), "failureThreshold must be in [1, 65535]: 65536");
    assertInvalid(b -> b.successThreshold(0), "successThreshold must be in [1, 1023]: 0");
    assertInvalid(b -> b.successThreshold(1024), "successThreshold must be in [1, 1023]: 1024");
    assertInvalid(b -> b.halfOpenMaxCalls(0), "halfOpenMaxCalls must be in [1, 1023]: 0");
    assertInvalid(b -> b.halfOpenMaxCalls(2000), "halfOpenMaxCalls must be in [1, 1023]: 2000");
    assertInvalid(b -> b.openTimeout(Duration.ZERO),
        "openTimeout must be in [PT0.001S, PT8760H]: PT0S");
    assertInvalid(b -> b.openTimeout(Duration.ofSeconds(-1)),
        "openTimeout must be in [PT0.001S, PT8760H]: PT-1S");
    assertInvalid(b -> b.openTimeout(Duration.ofNanos(999_999)),
        "openTimeout must be in [PT0.001S, PT8760H]: PT0.000999999S");
    assertInvalid(b -> b.openTimeout(Duration.ofDays(366)),
        "openTimeout must be in [PT0.001S, PT8760H]: PT8784H");
    assertInvalid(b -> b.openTimeoutBackoff(0.5, Duration.ofMinutes(5)),
        "openTimeoutBackoff multiplier must be in [1.0, 1000.0]: 0.5");
    assertInvalid(b -> b.openTimeoutBackoff(Double.NaN, Duration.ofMinutes(5)),
        "openTimeoutBackoff multiplier must be in [1.0, 1000.0]: NaN");
    assertInvalid(b -> b.openTimeoutBackoff(1001, Duration.ofMinutes(5)),
        "openTimeoutBackoff multiplier must be in [1.0, 1000.0]: 1001.0");
    assertInvalid(b -> b.openTimeoutBackoff(2, Duration.ofSeconds(59)),
        "openTimeoutBackoff maxOpenTimeout must be in [PT1M, PT8760H]: PT59S");
  }

  /** Java's convention for null arguments, applied everywhere: NPE at once, naming the argument. */
  @Test
  void nullArgumentsAreRejectedAtOnceWithANullPointerExceptionNamingThem() {
    assertNull(b -> b.openTimeout(null), "openTimeout must not be null");
    assertNull(b -> b.openTimeoutBackoff(2, null),
        "openTimeoutBackoff maxOpenTimeout must not be null");
    assertNull(b -> b.recordException(null), "recordException must not be null");
    assertNull(b -> b.recordResult((Predicate<Object>) null),
        "recordResult predicate must not be null");
    assertNull(b -> b.recordResult(String.class, null), "recordResult predicate must not be null");
    assertNull(b -> b.recordResult(null, r -> true), "recordResult type must not be null");
    assertNull(b -> b.ticker(null), "ticker must not be null");
    assertNull(b -> b.ignoreExceptions((Class<? extends Throwable>[]) null),
        "ignoreExceptions must not be null");
    assertNull(b -> b.ignoreExceptions(IOException.class, null),
        "ignoreExceptions[1] must not be null");
    assertNull(b -> b.slowCallDurationThreshold(null),
        "slowCallDurationThreshold must not be null");
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("x");
    assertThatThrownBy(() -> breaker.call(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("operation must not be null");
    assertThatThrownBy(() -> breaker.callAsync(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("operation must not be null");
    assertThatThrownBy(() -> breaker.onStateChange(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("listener must not be null");
  }

  private static void assertNull(Setter setter, String message) {
    assertThatThrownBy(() -> setter.apply(CircuitBreakerConfig.builder()))
        .isInstanceOf(NullPointerException.class).hasMessage(message);
  }

  @Test
  void aTypedResultRuleFiresOnlyOnResultsOfItsType() throws Exception {
    CircuitBreaker b = CircuitBreaker.of("r", CircuitBreakerConfig.builder().failureThreshold(2)
        .recordResult(Integer.class, code -> code >= 500)
        .recordResult(String.class, s -> s.startsWith("ERR")).build());
    b.call(() -> 503);
    assertThat(b.failureCount()).isEqualTo(1);
    // a String is not an Integer: the Integer rule never sees it (no ClassCastException), and
    // the String rule says it is fine: a success, which clears the count
    assertThat(b.call(() -> "fine")).isEqualTo("fine");
    assertThat(b.failureCount()).isZero();
    b.call(() -> 503);
    b.call(() -> null); // no rule applies to null: a success
    b.call(() -> java.util.List.of(503)); // no rule for lists: a success
    assertThat(b.failureCount()).isZero();
    b.call(() -> "ERR 1");
    b.call(() -> 500);
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void anUntypedResultRuleSeesEveryResultIncludingNull() throws Exception {
    CircuitBreaker b = CircuitBreaker.of("r", CircuitBreakerConfig.builder().failureThreshold(5)
        .recordResult(r -> r == null).build());
    b.call(() -> null);
    b.call(() -> 1);
    assertThat(b.failureCount()).isZero(); // the success cleared it
    b.call(() -> null);
    assertThat(b.failureCount()).isEqualTo(1);
  }

  @Test
  void validationHappensAtBuild() {
    CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder().failureThreshold(0);
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
    assertThat(b.failureThreshold(1).build().failureThreshold()).isEqualTo(1);
  }

  @Test
  void deadlineUnitIsAtMostAMicrosecondOrAThousandthOfEachLevelsWait() {
    for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofSeconds(1),
        Duration.ofSeconds(60), Duration.ofDays(24), Duration.ofDays(365)}) {
      CircuitBreakerConfig c = CircuitBreakerConfig.builder().openTimeout(d)
          .openTimeoutBackoff(1.5, Duration.ofDays(365)).build();
      for (int level = 0; level <= c.maxLevel; level++) {
        long wait = c.openTimeoutNanos(level);
        long unit = 1L << c.deadlineShift(level);
        assertThat(unit).isLessThanOrEqualTo(Math.max(1_000, wait / 1_000));
        assertThat(c.deadlineShift(level)).isLessThanOrEqualTo(BreakerWord.MAX_DEADLINE_SHIFT);
        assertThat(c.maxRemainingUnits(level)).isLessThan(1L << (BreakerWord.DEADLINE_BITS - 2));
      }
      long sinceUnit = 1L << c.sinceShift;
      assertThat((double) sinceUnit / d.toNanos()).isLessThanOrEqualTo(1.0 / (1 << 8));
      assertThat(c.sinceShift).isLessThanOrEqualTo(64 - BreakerWord.SINCE_BITS);
    }
  }

  private interface Setter {
    void apply(CircuitBreakerConfig.Builder b);
  }

  private static void assertInvalid(Setter setter, String message) {
    CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder();
    setter.apply(b);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void anyNonNullNameIsAccepted(String name) {
    assertThat(CircuitBreaker.ofDefaults(name).name()).isEqualTo(name);
  }

  @Test
  void nullNameOrConfigIsRejected() {
    assertThatThrownBy(() -> CircuitBreaker.of(null, CircuitBreakerConfig.defaults()))
        .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
    assertThatThrownBy(() -> CircuitBreaker.of("x", null))
        .isInstanceOf(NullPointerException.class).hasMessage("config must not be null");
  }
}
