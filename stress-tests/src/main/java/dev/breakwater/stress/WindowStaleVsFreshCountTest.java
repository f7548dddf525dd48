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
 * Count window, <b>a stale outcome racing the first outcome of the next period</b>: window size 4,
 * minimum 4 calls, threshold 50%. Pre-filled S, F, S; one permit held. Actor 1 reports a failure
 * with that permit (in the old period it trips: 4 calls, 2 failed). Actor 2 resets, acquires a fresh
 * permit and reports a success: the first outcome of the new generation installs a fresh window
 * period by CAS. The stale failure may be recorded before the reset, be ignored (it read the word
 * after the reset), or have passed the generation check before the reset and reach the window
 * while, or after, the fresh period is installed: then it must find the newer period and be
 * dropped, or land in the old one. In every case the new period counts exactly its own success:
 * CLOSED, 1 call, 0 failed. Listener calls: 0 (no trip) or 2 (the stale failure tripped the old
 * period, then the reset closed it); a trip after the reset is impossible.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (actor 2's fresh permit
 * admitted, final state, metrics, listener calls).
 */
@JCStressTest
@Outcome(id = "1, 0, 100, 0", expect = ACCEPTABLE,
    desc = "the stale failure was ignored or stayed in the old period")
@Outcome(id = "1, 0, 100, 2", expect = ACCEPTABLE,
    desc = "the stale failure tripped the old period, then the reset; the new period has its own call")
@Outcome(id = {".*, 210, .*", ".*, 110, .*"}, expect = FORBIDDEN,
    desc = "the stale failure counted in the new period")
@Outcome(id = ".*, .*, 0, .*", expect = FORBIDDEN, desc = "the fresh success lost")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class WindowStaleVsFreshCountTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 50, 0);
  private final long stale;
  private final TransitionLog log;

  /** Slots S, F, S, empty; one permit held. */
  public WindowStaleVsFreshCountTest() {
    WindowFixtures.record(breaker, "SFS");
    WindowFixtures.expectMetrics(breaker, 3, 1, 0);
    stale = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * A failure with the permit from before the reset.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onFailure(stale);
  }

  /**
   * Resets, then a success with a fresh permit.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.reset();
    long p = breaker.tryAcquire();
    r.r1 = Fixtures.admittedBit(p);
    if (p != CircuitBreaker.REJECTED) {
      breaker.onSuccess(p);
    }
  }

  /**
   * State, metrics, listener calls.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r2 = breaker.state().ordinal();
    r.r3 = WindowFixtures.encode(breaker.metrics());
    r.r4 = log.total();
  }
}
