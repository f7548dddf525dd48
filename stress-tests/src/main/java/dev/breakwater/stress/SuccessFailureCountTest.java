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
 * Success against failure in CLOSED, below the threshold: {@code failureThreshold = 3}, one
 * failure counted; one actor reports a success (resets the count), the other a failure. The two
 * linearizations give 1 (success, then failure) or 0 (failure, then success); 2 means the
 * success was overwritten by a failure computed from the old count.
 *
 * <p>Result: (final state, final failureCount, listener calls).
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "success, then failure")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "failure, then success")
@Outcome(id = "0, 2, 0", expect = FORBIDDEN, desc = "the success was lost")
@Outcome(expect = FORBIDDEN, desc = "not a linearizable result")
@org.openjdk.jcstress.annotations.State
public class SuccessFailureCountTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 3, 1, 1);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** One failure counted; two permits of this generation. */
  public SuccessFailureCountTest() {
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
  public void actor1(III_Result r) {
    breaker.onSuccess(p1);
  }

  /**
   * Reports a failure.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    breaker.onFailure(p2);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = breaker.state().ordinal();
    r.r2 = breaker.failureCount();
    r.r3 = log.total();
  }
}
