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
 * Count window, <b>stale outcomes racing {@code reset()}</b>: window size 4, minimum 4 calls,
 * threshold 50%. Pre-filled S, F, S; one permit held. Actor 1 resets; actor 2 reports two failures
 * with the permit from before the reset (the first would trip the old period: 4 calls, 2 failed).
 * Whatever the order, the new period starts empty and stays so: failures recorded before the reset
 * (and a trip they caused) belong to the old period; a failure that passed the generation check
 * before the reset but writes after it lands in the old period's window object, which the new
 * period never reads; a failure that reads the word after the reset is ignored. So after both:
 * CLOSED, {@code metrics()} 0 calls; listener calls 0 (reset first; CLOSED -> CLOSED is not
 * announced) or 2 (tripped, then reset). The arbiter then reports one failure with a fresh permit:
 * the new period must hold exactly that one call.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (final state, metrics,
 * listener calls, metrics after one fresh failure).
 */
@JCStressTest
@Outcome(id = "0, 0, 0, 110", expect = ACCEPTABLE,
    desc = "reset first; the stale failures were ignored or went to the old window")
@Outcome(id = "0, 0, 2, 110", expect = ACCEPTABLE, desc = "a stale failure tripped the old period, "
    + "then the reset closed it; the new window is empty")
@Outcome(id = {"0, [1-9].*", ".*, .*, .*, 2[0-9]0"}, expect = FORBIDDEN,
    desc = "a stale failure counted in the new period")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "OPEN after the reset: a stale trip")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class WindowStaleVsResetTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 50, 0);
  private final long stale;
  private final TransitionLog log;

  /** Slots S, F, S, empty; one permit held. */
  public WindowStaleVsResetTest() {
    WindowFixtures.record(breaker, "SFS");
    WindowFixtures.expectMetrics(breaker, 3, 1, 0);
    stale = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Resets.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.reset();
  }

  /**
   * Two failures with the permit from before the reset.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(stale);
    breaker.onFailure(stale);
  }

  /**
   * State, metrics, listener calls; then one fresh failure and the metrics again.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = breaker.state().ordinal();
    r.r2 = WindowFixtures.encode(breaker.metrics());
    r.r3 = log.total();
    long p = breaker.tryAcquire();
    if (p == CircuitBreaker.REJECTED) {
      r.r4 = -1;
      return;
    }
    breaker.onFailure(p);
    r.r4 = WindowFixtures.encode(breaker.metrics());
  }
}
