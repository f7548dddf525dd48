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
 * Count window, <b>concurrent failure-rate crossing opens exactly once</b>: window size 4, minimum
 * 4 calls, threshold 50%. Pre-filled S, F, S (3 calls: no verdict yet). Both actors report a
 * failure with a permit of that CLOSED generation, acquired in the constructor. The ticket-3 record
 * (empty slot 3 -> F) brings the window to 4 calls, 2 failed = 50%: a crossing; if the ticket-4
 * record (slot 0, S -> F) is added too, 4 calls, 3 failed, still over. So both recorders may see the
 * window call for opening, and both try the CLOSED -> OPEN CAS from the same generation: exactly
 * one must win. The loser's failure is either recorded in the same window (4 calls, 3 failed) or,
 * if it read the breaker's word after the trip, ignored as stale (4 calls, 2 failed). While OPEN,
 * {@code metrics()} shows that window, frozen.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (frozen metrics, final
 * state, CLOSED -> OPEN listener calls, other listener calls).
 */
@JCStressTest
@Outcome(id = "430, 1, 1, 0", expect = ACCEPTABLE,
    desc = "opened once; both failures in the frozen window")
@Outcome(id = "420, 1, 1, 0", expect = ACCEPTABLE,
    desc = "opened once; the second failure came after the trip and was ignored (stale)")
@Outcome(id = ".*, .*, 2, .*", expect = FORBIDDEN, desc = "opened twice: two listener calls")
@Outcome(id = ".*, 0, 0, 0", expect = FORBIDDEN, desc = "crossing missed: still CLOSED")
@Outcome(expect = FORBIDDEN, desc = "anything else: wrong frozen window, wrong state")
@org.openjdk.jcstress.annotations.State
public class WindowTripCountTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 50, 0);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** Slots S, F, S, empty; two permits of the same CLOSED generation. */
  public WindowTripCountTest() {
    WindowFixtures.record(breaker, "SFS");
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
   * Frozen metrics, state, listener calls.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = WindowFixtures.encode(breaker.metrics());
    r.r2 = breaker.state().ordinal();
    r.r3 = log.count(State.CLOSED, State.OPEN);
    r.r4 = log.total() - r.r3;
  }
}
