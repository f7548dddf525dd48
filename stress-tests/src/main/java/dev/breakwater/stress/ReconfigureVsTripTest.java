package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerRegistry;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A failure trips the breaker while another thread reconfigures it from a 1 s open timeout to a
 * 10-day one (another deadline unit). The trip is judged by one config or the other, and the
 * OPEN word it writes must read back as that config's timeout under whichever config is
 * installed afterwards. A deadline kept in config-derived units (not in the word) would be read
 * in the wrong unit when the tripping thread read the old config and the arbiter the new one.
 *
 * <p>Result: (state ordinal, which timeout the remaining open time matches: 1 for 1 s, 2 for 10
 * days, 0 for neither).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "tripped under the old config: 1 s")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "tripped under the new config: 10 days")
@Outcome(expect = FORBIDDEN, desc = "not OPEN, or a deadline read in the wrong unit")
@org.openjdk.jcstress.annotations.State
public class ReconfigureVsTripTest {
  private static final Duration SHORT = Duration.ofSeconds(1);
  private static final Duration LONG = Duration.ofDays(10);
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.builder()
      .ticker(ticker).build();
  private final CircuitBreakerConfig longer = CircuitBreakerConfig.builder().failureThreshold(1)
      .openTimeout(LONG).ticker(ticker).build();
  private final CircuitBreaker breaker = registry.breaker("b", CircuitBreakerConfig.builder()
      .failureThreshold(1).openTimeout(SHORT).ticker(ticker).build());
  private final long permit = breaker.tryAcquire();

  /**
   * The failure that trips.
   *
   * @param r results
   */
  @Actor
  public void trip(II_Result r) {
    breaker.onFailure(permit);
  }

  /**
   * The operator.
   *
   * @param r results
   */
  @Actor
  public void reconfigure(II_Result r) {
    registry.reconfigure("b", longer);
  }

  /**
   * Reads the state and the remaining open time (the clock has not moved).
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(II_Result r) {
    r.r1 = breaker.state().ordinal();
    Duration left = breaker.remainingOpenTime();
    // at most one deadline unit (1/2^23 of the wait) above the exact wait
    r.r2 = within(left, SHORT) ? 1 : within(left, LONG) ? 2 : 0;
  }

  private static boolean within(Duration left, Duration wait) {
    return left.compareTo(wait) >= 0 && left.compareTo(wait.plus(wait.dividedBy(1 << 22))) <= 0;
  }
}
