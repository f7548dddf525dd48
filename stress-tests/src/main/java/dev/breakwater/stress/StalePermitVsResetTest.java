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
 * Stale permits against {@code reset()}: {@code failureThreshold = 3}, one failure counted, one
 * permit held. Actor 1 resets; actor 2 reports two failures with the old permit. Whatever the
 * order, the reset wins the final word: failures reported before it are wiped (even a trip they
 * caused), failures after it carry an old generation and are ignored. The end is always CLOSED
 * with 0 failures; listener calls are 0 (nothing tripped) or 2 (tripped, then reset to CLOSED).
 *
 * <p>Result: (final state, final failureCount, listener calls).
 */
@JCStressTest
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "reset before the trip, stale failures ignored")
@Outcome(id = "0, 0, 2", expect = ACCEPTABLE, desc = "both failures tripped it, then reset")
@Outcome(expect = FORBIDDEN, desc = "a failure from before the reset counted after it")
@org.openjdk.jcstress.annotations.State
public class StalePermitVsResetTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 3, 1, 1);
  private final long stale;
  private final TransitionLog log;

  /** One failure counted, one permit held. */
  public StalePermitVsResetTest() {
    Fixtures.fail(breaker, 1);
    stale = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Resets.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    breaker.reset();
  }

  /**
   * Two failures with the permit from before the reset.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    breaker.onFailure(stale);
    breaker.onFailure(stale);
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
