package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@code reset()} against a probe's failure, with {@code failureThreshold = 1} so that a failure
 * counted after the reset would trip the breaker at once. Actor 1 resets and then asks for a
 * permit (always granted: after its own reset nothing can legitimately open the breaker); actor 2
 * fails the probe admitted before the reset. Linearizable: failure (re-open), reset -> CLOSED,
 * two transitions; or reset -> CLOSED, stale failure ignored, one transition. Never OPEN at the
 * end, never a counted failure.
 *
 * <p>Result: (actor 1 admitted after its reset, final state, failureCount, listener calls).
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE, desc = "reset, then the stale failure is ignored")
@Outcome(id = "1, 0, 0, 2", expect = ACCEPTABLE, desc = "failure re-opens, then reset closes")
@Outcome(expect = FORBIDDEN, desc = "the probe from before the reset counted after it")
@org.openjdk.jcstress.annotations.State
public class ResetVsProbeFailureTest {
  private final CircuitBreaker breaker = Fixtures.openExpired(new ManualTicker(), 1, 1, 1);
  private final long probe = Fixtures.admitted(breaker);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * Resets, then asks for a permit.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.reset();
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * The probe fails.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(probe);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r2 = breaker.state().ordinal();
    r.r3 = breaker.failureCount();
    r.r4 = log.total();
  }
}
