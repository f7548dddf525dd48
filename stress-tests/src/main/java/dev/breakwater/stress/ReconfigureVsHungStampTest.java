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
 * HALF_OPEN with its only slot taken (a hanging probe, admitted 50 s ago, stamped "every slot
 * seen taken" in the 60 s timeout's unit). A caller checks the stamp (and stamps again if its
 * config has another unit) while another thread reconfigures the breaker from a 60 s open timeout
 * to a 10 s one (another unit for the stamp). Whatever the order, the hung-probe verdict must
 * never come early by the config in force when it is made: 9.9 s after the race the breaker is
 * still HALF_OPEN, and 10.2 s after it the probe is hung (the stamp was made or re-made in the
 * new unit by then). A stamp read in a unit it was not written in could declare the probe hung
 * at once, or never.
 *
 * <p>Result: (state 9.9 s after the race, state 10.2 s after).
 */
@JCStressTest
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "HALF_OPEN, then re-opened as hung")
@Outcome(expect = FORBIDDEN, desc = "hung too early, or never")
@org.openjdk.jcstress.annotations.State
public class ReconfigureVsHungStampTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.builder()
      .ticker(ticker).build();
  private final CircuitBreakerConfig shorter = config(Duration.ofSeconds(10));
  private final CircuitBreaker breaker = registry.breaker("b", config(Duration.ofSeconds(60)));

  /** Trips, waits out the timeout, admits the probe that hangs, and lets 50 s pass. */
  public ReconfigureVsHungStampTest() {
    breaker.onFailure(breaker.tryAcquire());
    ticker.advance(Duration.ofSeconds(61));
    breaker.tryAcquire(); // the probe, never reported; one slot: the entry stamps "full"
    ticker.advance(Duration.ofSeconds(50));
  }

  private CircuitBreakerConfig config(Duration timeout) {
    return CircuitBreakerConfig.builder().failureThreshold(1).halfOpenMaxCalls(1)
        .openTimeout(timeout).ticker(ticker).build();
  }

  /**
   * A caller that finds the slots taken and stamps.
   *
   * @param r results
   */
  @Actor
  public void caller(II_Result r) {
    breaker.tryAcquire();
  }

  /**
   * The operator.
   *
   * @param r results
   */
  @Actor
  public void reconfigure(II_Result r) {
    registry.reconfigure("b", shorter);
  }

  /**
   * Moves the clock and asks twice.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(II_Result r) {
    breaker.tryAcquire(); // a caller after the race: stamps in the new unit if needed
    ticker.advance(Duration.ofMillis(9_900));
    breaker.tryAcquire();
    r.r1 = breaker.state().ordinal();
    ticker.advance(Duration.ofMillis(300));
    breaker.tryAcquire();
    r.r2 = breaker.state().ordinal();
  }
}
