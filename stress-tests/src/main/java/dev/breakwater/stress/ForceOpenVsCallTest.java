package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code forceOpen()} against a call that fails ({@code failureThreshold = 1}). Linearizable:
 * force first (the call is rejected; one transition), call admitted then forced (its failure is
 * stale; one transition), or call admitted and failed (trip) then forced (two transitions). The
 * end is always FORCED_OPEN: a failure must never take a forced-open breaker to OPEN, where the
 * timeout would let calls through again.
 *
 * <p>Result: (actor 2 admitted, final state, listener calls).
 */
@JCStressTest
@Outcome(id = "0, 3, 1", expect = ACCEPTABLE, desc = "forced first, call rejected")
@Outcome(id = "1, 3, 1", expect = ACCEPTABLE, desc = "admitted, forced, stale failure ignored")
@Outcome(id = "1, 3, 2", expect = ACCEPTABLE, desc = "admitted and tripped, then forced")
@Outcome(expect = FORBIDDEN, desc = "not FORCED_OPEN at the end, or a wrong transition count")
@org.openjdk.jcstress.annotations.State
public class ForceOpenVsCallTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 1, 1, 1);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * Forces the breaker open.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    breaker.forceOpen();
  }

  /**
   * A call that fails, if admitted.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    long p = breaker.tryAcquire();
    r.r1 = Fixtures.admittedBit(p);
    if (p != CircuitBreaker.REJECTED) {
      breaker.onFailure(p);
    }
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r2 = breaker.state().ordinal();
    r.r3 = log.total();
  }
}
