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
 * Count window, <b>two records racing on the same slot a lap apart</b> (a swap and a skip-write
 * read against a concurrent swap of that slot): window size 4, minimum 4 calls, slow calls over
 * 1 ms, failure and slow-call thresholds 100% (it cannot trip: at most one failure and one slow call
 * are ever in the window). The window is full: W (slow success), S, S, S (4 calls, 1 slow). Actor 1
 * reports one failure (permit acquired in the constructor); actor 2 reports four successes with
 * fresh permits, so tickets 4..8 are taken and slot 0 is hit twice (tickets 4 and 8); actor 2's
 * successes on slots 1..3 are skip-writes (S over S). Slots 1..3 end with the outcome of tickets
 * 5..7 and slot 0 with that of the later of its two swaps, so two endings are possible:
 * <ul>
 *   <li>4 calls, 0 failed, 0 slow: actor 1 took ticket 4 and swapped F over W, then actor 2's
 *       ticket 8 replaced that F with S;</li>
 *   <li>4 calls, 1 failed, 0 slow: actor 1's F is in the window (tickets 5..8, or ticket 4
 *       swapped after actor 2's ticket 8: the window's documented "approximate order" after a
 *       delay of a whole lap).</li>
 * </ul>
 * Whichever happened, the slow call has left and the totals must equal the slots: after the
 * arbiter's lap of 4 successes, 4 calls, 0 failed, 0 slow. Two recorders that both read slot 0's W
 * and both wrote (a read-then-write swap) would each subtract the W: the slow count would go
 * negative and the failure survive the lap.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (metrics after both
 * actors, final state, listener calls, metrics after the lap).
 */
@JCStressTest
@Outcome(id = "400, 0, 0, 400", expect = ACCEPTABLE,
    desc = "actor 1's F (ticket 4) was replaced by actor 2's ticket 8")
@Outcome(id = "410, 0, 0, 400", expect = ACCEPTABLE,
    desc = "actor 1's failure is in the window")
@Outcome(id = ".*, .*, .*, (?!400$).*", expect = FORBIDDEN,
    desc = "totals out of step with the slots")
@Outcome(expect = FORBIDDEN, desc = "anything else: wrong totals, or a trip that cannot happen")
@org.openjdk.jcstress.annotations.State
public class WindowLapTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 100, 100);
  private final long p1;
  private final TransitionLog log;

  /** Slots W, S, S, S (full); one permit for actor 1. */
  public WindowLapTest() {
    WindowFixtures.record(breaker, "WSSS");
    WindowFixtures.expectMetrics(breaker, 4, 0, 1);
    p1 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Fails once.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onFailure(p1);
  }

  /**
   * Succeeds four times, each with a fresh permit (a whole lap).
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    for (int i = 0; i < 4; i++) {
      breaker.onSuccess(breaker.tryAcquire());
    }
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
