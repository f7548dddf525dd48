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
 * Count window, <b>the first two records of a new period race</b>: window size 4, minimum 4 calls,
 * threshold 60% (so that the lap below, which passes through 4 calls with 2 failed, cannot trip).
 * Set-up: S, F, S recorded, then {@code reset()}: a new CLOSED generation whose window is still the
 * old period's (a period is installed by the first outcome of its generation, not by the reset).
 * Two permits of the new generation are acquired in the constructor; each actor reports a failure
 * with one. Both records find the old period, both want to install a fresh one: exactly one
 * install may win, and the other record must land in the winner's period. So the new period holds
 * exactly both failures (2 calls, 2 failed: below the minimum, CLOSED), and a lap of 4 successes
 * afterwards reads exactly {@code 400}. An install by a plain write instead of a CAS lets the
 * second install replace the first one, together with the outcome already in it.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (metrics, metrics after
 * a lap of successes, final state, listener calls).
 */
@JCStressTest
@Outcome(id = "220, 400, 0, 0", expect = ACCEPTABLE,
    desc = "one period installed, both failures in it")
@Outcome(id = {"110, .*", "100, .*", "0, .*"}, expect = FORBIDDEN,
    desc = "a failure lost: a second period replaced the first (install without CAS)")
@Outcome(id = {"[3-9][0-9]0, .*", ".*, .*, .*, [1-9]"}, expect = FORBIDDEN,
    desc = "the old period's calls counted in the new one")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class WindowNewPeriodCountTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 60, 0);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** S, F, S in the old period; reset; two permits of the new (still empty) period. */
  public WindowNewPeriodCountTest() {
    WindowFixtures.record(breaker, "SFS");
    WindowFixtures.expectMetrics(breaker, 3, 1, 0);
    breaker.reset();
    WindowFixtures.expectMetrics(breaker, 0, 0, 0);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Fails: the first or second record of the new period.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onFailure(p1);
  }

  /**
   * Fails: the first or second record of the new period.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(p2);
  }

  /**
   * Metrics, metrics after a lap of successes, state, listener calls.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = WindowFixtures.encode(breaker.metrics());
    r.r2 = WindowFixtures.drain(breaker);
    r.r3 = breaker.state().ordinal();
    r.r4 = log.total();
  }
}
