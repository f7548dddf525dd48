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
 * Count window, two concurrent records straddling the wrap, <b>different outcomes, all three
 * counters moving</b>: window size 4, minimum 4 calls, slow calls over 1 ms, failure and slow-call
 * thresholds 100% (it cannot trip: slot 1 always holds a fast success). Pre-filled W (slow
 * success), S, F (slots 0..2; slot 3 empty; 3 calls, 1 failed, 1 slow). Actor 1 reports a failure,
 * actor 2 a success (permits acquired in the constructor; neither outcome equals the slot it
 * lands in, so both swap). One fills slot 3, the other evicts the slow call from slot 0; in either
 * order the window ends with S, F and the two new outcomes: exactly 4 calls, 2 failed, 0 slow.
 * The arbiter then reports a lap of 4 successes, after which a window whose totals equalled its
 * slots reads 4 calls, 0 failed, 0 slow.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (metrics after both
 * records, final state, listener calls, metrics after the lap).
 */
@JCStressTest
@Outcome(id = "420, 0, 0, 400", expect = ACCEPTABLE,
    desc = "both counted once, the slow call evicted: 4 calls, 2 failed, 0 slow")
@Outcome(id = "421, .*", expect = FORBIDDEN, desc = "the evicted slow call still counted")
@Outcome(id = {"310, .*", "320, .*", "311, .*", "321, .*"}, expect = FORBIDDEN,
    desc = "an outcome lost")
@Outcome(expect = FORBIDDEN, desc = "anything else: wrong totals, totals out of step with the "
    + "slots, or a trip that cannot happen")
@org.openjdk.jcstress.annotations.State
public class WindowEdgeMixedOutcomeTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 100, 100);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** Slots W, S, F, empty; two permits of the same CLOSED generation. */
  public WindowEdgeMixedOutcomeTest() {
    WindowFixtures.record(breaker, "WSF");
    WindowFixtures.expectMetrics(breaker, 3, 1, 1);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Fails.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onFailure(p1);
  }

  /**
   * Succeeds.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onSuccess(p2);
  }

  /**
   * Metrics, state, listener calls, then a lap of successes.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = WindowFixtures.encode(breaker.metrics());
    r.r2 = breaker.state().ordinal();
    r.r3 = log.total();
    r.r4 = WindowFixtures.drain(breaker);
  }
}
