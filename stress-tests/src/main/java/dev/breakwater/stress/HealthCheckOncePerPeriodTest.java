package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.HealthCheck;
import dev.breakwater.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Two real callers arrive together after the open timeout of a breaker with a health check: the
 * one that wins the OPEN -&gt; HALF_OPEN CAS starts the period's chain of checks, and exactly one
 * chain starts. Both callers are rejected (real calls wait for the checks), the breaker is
 * HALF_OPEN with one probe slot in flight: the check's.
 *
 * <p>The check is asynchronous and never completes (its stage stays pending), so the breaker
 * stays in this HALF_OPEN period; the check's {@link Scheduler} never fires (its wake-up at the
 * open timeout and the check's timeout are dropped), so only the two actors can move the breaker.
 * {@code successThreshold} 1, the default 3 probe slots (real calls get none while checks run;
 * the chain holds one at a time).
 *
 * <p>A breaker that starts a check for every caller that saw the timeout expired, not only for
 * the CAS winner, shows {@code 0, 0, 2, 2, 1} when both callers read the expired OPEN word before
 * either CAS: two chains in one period, the second holding no slot of its own (seen in 41% of
 * samples with such a mutant). A caller admitted as a real probe shows a 1 in the first two
 * places; a check that never started, 0 checks.
 *
 * <p>Result: (actor 1 admitted, actor 2 admitted, checks started, state ordinal, probes in
 * flight).
 */
@JCStressTest
@Outcome(id = "0, 0, 1, 2, 1", expect = ACCEPTABLE, desc = "one chain, both callers rejected, HALF_OPEN with the check's slot")
@Outcome(id = {"0, 0, 2, 2, 1", "0, 0, 2, 2, 2"}, expect = FORBIDDEN, desc = "two checks started in one period")
@Outcome(expect = FORBIDDEN, desc = "a caller admitted, no check, or another state")
@org.openjdk.jcstress.annotations.State
public class HealthCheckOncePerPeriodTest {
  static {
    Fixtures.silenceBreakerLog();
  }

  /** Drops every task: nothing but the actors moves the breaker. */
  private static final Scheduler NEVER = (task, delayNanos) -> () -> { };

  private final ManualTicker ticker = new ManualTicker();
  private final AtomicInteger checks = new AtomicInteger();
  private final CircuitBreaker breaker;

  /** Trips the breaker and moves the clock past its open timeout. */
  public HealthCheckOncePerPeriodTest() {
    HealthCheck check = HealthCheck.builderAsync(() -> {
      checks.incrementAndGet();
      return new CompletableFuture<Boolean>(); // never completes: the period stays HALF_OPEN
    }).scheduler(NEVER).build();
    breaker = CircuitBreaker.of("checked", CircuitBreakerConfig.builder()
        .failureThreshold(1).successThreshold(1).openTimeout(Fixtures.OPEN_TIMEOUT)
        .ticker(ticker).healthCheck(check).build());
    breaker.onFailure(Fixtures.admitted(breaker));
    Fixtures.expectState(breaker, CircuitBreaker.State.OPEN);
    ticker.advance(Fixtures.PAST_TIMEOUT);
  }

  /**
   * A real call.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * Another real call.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    r.r2 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * How many checks started, and the period they left.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r3 = checks.get();
    r.r4 = breaker.state().ordinal();
    r.r5 = breaker.probesInFlight();
  }
}
