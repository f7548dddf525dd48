package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Stale permits against OPEN -> HALF_OPEN: a permit taken in CLOSED before the trip is reported
 * (ignored, failure and success) while actor 1 becomes the first probe of the new HALF_OPEN
 * period. The old permit must not free the new probe's slot, re-open the breaker or count a
 * success: the end is always HALF_OPEN with one probe in flight, no success, one transition.
 *
 * <p>Result: (actor 1 admitted, final state, probes in flight, successes, listener calls).
 */
@JCStressTest
@Outcome(id = "1, 2, 1, 0, 1", expect = ACCEPTABLE, desc = "stale reports ignored")
@Outcome(expect = FORBIDDEN, desc = "a stale report changed the new HALF_OPEN period")
@org.openjdk.jcstress.annotations.State
public class StalePermitVsProbeTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = Fixtures.breaker(ticker, 1, 2, 1);
  private final long stale;
  private final TransitionLog log;

  /** Takes a permit in CLOSED, then trips and lets the open timeout pass. */
  public StalePermitVsProbeTest() {
    stale = Fixtures.admitted(breaker);
    Fixtures.trip(breaker);
    ticker.advance(Fixtures.PAST_TIMEOUT);
    log = TransitionLog.on(breaker);
  }

  /**
   * The first probe.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * Every kind of report with the old permit.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    breaker.onIgnored(stale);
    breaker.onFailure(stale);
    breaker.onSuccess(stale);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r2 = breaker.state().ordinal();
    r.r3 = breaker.probesInFlight();
    r.r4 = breaker.successCount();
    r.r5 = log.total();
  }
}
