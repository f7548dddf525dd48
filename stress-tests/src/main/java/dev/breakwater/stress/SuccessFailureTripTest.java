package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Success against a tripping failure: {@code failureThreshold = 2}, one failure counted; one
 * actor reports a success, the other the failure that would trip. Linearizable: success first
 * (count 0, then 1: CLOSED with 1) or failure first (OPEN, the success's permit is then stale and
 * ignored). CLOSED with 0 means the failure was lost; OPEN with a second announcement, or CLOSED
 * after an announced trip, is a torn decision.
 *
 * <p>Result: (final state, final failureCount, CLOSED->OPEN calls, other listener calls).
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "success, then failure: CLOSED, 1")
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "failure (trip), then a stale success")
@Outcome(id = "0, 0, 0, 0", expect = FORBIDDEN, desc = "the failure was lost")
@Outcome(expect = FORBIDDEN, desc = "not a linearizable result")
@org.openjdk.jcstress.annotations.State
public class SuccessFailureTripTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 2, 1, 1);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** One failure counted; two permits of this generation. */
  public SuccessFailureTripTest() {
    Fixtures.fail(breaker, 1);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Reports a success.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onSuccess(p1);
  }

  /**
   * Reports the tripping failure.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(p2);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = breaker.state().ordinal();
    r.r2 = breaker.failureCount();
    r.r3 = log.count(State.CLOSED, State.OPEN);
    r.r4 = log.total() - r.r3;
  }
}
