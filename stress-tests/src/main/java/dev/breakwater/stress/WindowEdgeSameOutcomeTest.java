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
 * Count window, two concurrent records straddling the wrap, <b>same outcome, both slot-changing</b>:
 * window size 4, minimum 4 calls, failure threshold 100% (it cannot trip: slot 1 always holds a
 * success). Pre-filled S, S, F (slots 0..2; slot 3 empty; metrics 3 calls, 1 failed). Both actors
 * report a failure with a permit acquired in the constructor: one takes ticket 3 and fills slot 3
 * (empty -> F), the other ticket 4 and evicts slot 0 (S -> F). Whoever gets which ticket, the window
 * ends as F, S, F, F: exactly 4 calls, 3 failed. Then the arbiter reports one lap of 4 successes:
 * if the totals equalled the slots, every slot is now S and the metrics read 4 calls, 0 failed; a
 * lost or doubled delta would survive the lap.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (metrics after both
 * records, final state, listener calls, metrics after the lap).
 */
@JCStressTest
@Outcome(id = "430, 0, 0, 400", expect = ACCEPTABLE,
    desc = "both failures counted once: 4 calls, 3 failed; totals equal the slots")
@Outcome(id = {"330, .*", "420, .*", "320, .*"}, expect = FORBIDDEN,
    desc = "an outcome or an eviction lost")
@Outcome(id = {"530, .*", "440, .*", "540, .*"}, expect = FORBIDDEN,
    desc = "an outcome counted twice or an eviction missed")
@Outcome(expect = FORBIDDEN, desc = "anything else: wrong totals, totals out of step with the "
    + "slots, or a trip that cannot happen")
@org.openjdk.jcstress.annotations.State
public class WindowEdgeSameOutcomeTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 100, 0);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** Slots S, S, F, empty; two permits of the same CLOSED generation. */
  public WindowEdgeSameOutcomeTest() {
    WindowFixtures.record(breaker, "SSF");
    WindowFixtures.expectMetrics(breaker, 3, 1, 0);
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
   * Fails.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(p2);
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
