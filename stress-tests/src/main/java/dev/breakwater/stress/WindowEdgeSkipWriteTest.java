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
 * Count window, <b>the skip-write path against a real eviction</b>: window size 4, minimum 4 calls,
 * failure threshold 100% (it cannot trip: slot 3 always holds a success). The window is full:
 * F, S, F, S (4 calls, 2 failed; the next tickets are 4 and 5, slots 0 and 1). Both actors report a
 * failure (permits acquired in the constructor). Whoever takes ticket 4 finds an identical F in
 * slot 0 and writes nothing (the skip-write optimisation: its record is "F replaces F"); the other
 * takes ticket 5 and evicts the S of slot 1. Every interleaving has exactly one skip and one swap,
 * and the window ends F, F, F, S: exactly 4 calls, 3 failed. A skip that also wrote a delta, or a
 * skip taken on the wrong slot, breaks the count or leaves the totals out of step with the slots,
 * which the arbiter's lap of 4 successes exposes (it must end at 4 calls, 0 failed).
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (metrics after both
 * records, final state, listener calls, metrics after the lap).
 */
@JCStressTest
@Outcome(id = "430, 0, 0, 400", expect = ACCEPTABLE,
    desc = "one record skipped (F over F), one evicted S: 4 calls, 3 failed")
@Outcome(id = {"420, .*", "320, .*", "330, .*"}, expect = FORBIDDEN,
    desc = "the eviction lost, or a skip that dropped a real change")
@Outcome(id = {"440, .*", "530, .*", "540, .*"}, expect = FORBIDDEN,
    desc = "the skipped record counted as a new call")
@Outcome(expect = FORBIDDEN, desc = "anything else: wrong totals, totals out of step with the "
    + "slots, or a trip that cannot happen")
@org.openjdk.jcstress.annotations.State
public class WindowEdgeSkipWriteTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 100, 0);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** Slots F, S, F, S (full); two permits of the same CLOSED generation. */
  public WindowEdgeSkipWriteTest() {
    WindowFixtures.record(breaker, "FSFS");
    WindowFixtures.expectMetrics(breaker, 4, 2, 0);
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
