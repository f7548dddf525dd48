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
 * Count window, <b>concurrent slow-call-rate crossing opens exactly once</b>: window size 4,
 * minimum 4 calls, calls over 1 ms are slow, slow-call threshold 50% (failure threshold 100%, and
 * nothing fails). Pre-filled S, W (slow success), S (3 calls, 1 slow: no verdict yet). Both actors
 * report a success that took 2 ms, {@code onSuccess(permit, durationNanos)}, with permits of that
 * CLOSED generation acquired in the constructor. The ticket-3 record makes 4 calls, 2 slow = 50%:
 * a crossing; with the ticket-4 record too (slot 0, S -> W), 4 calls, 3 slow. Both recorders may
 * see a crossing; exactly one CLOSED -> OPEN CAS must win. The loser's call is recorded (4 calls,
 * 3 slow) or ignored as stale (4 calls, 2 slow); no call is failed.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (frozen metrics, final
 * state, CLOSED -> OPEN listener calls, other listener calls).
 */
@JCStressTest
@Outcome(id = "403, 1, 1, 0", expect = ACCEPTABLE,
    desc = "opened once; both slow calls in the frozen window")
@Outcome(id = "402, 1, 1, 0", expect = ACCEPTABLE,
    desc = "opened once; the second slow call came after the trip and was ignored (stale)")
@Outcome(id = ".*, .*, 2, .*", expect = FORBIDDEN, desc = "opened twice: two listener calls")
@Outcome(id = ".*, 0, 0, 0", expect = FORBIDDEN, desc = "crossing missed: still CLOSED")
@Outcome(expect = FORBIDDEN, desc = "anything else: wrong frozen window, wrong state")
@org.openjdk.jcstress.annotations.State
public class WindowTripSlowTest {
  private final CircuitBreaker breaker = WindowFixtures.count(4, 4, 100, 50);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** Slots S, W, S, empty; two permits of the same CLOSED generation. */
  public WindowTripSlowTest() {
    WindowFixtures.record(breaker, "SWS");
    WindowFixtures.expectMetrics(breaker, 3, 0, 1);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * A slow success.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onSuccess(p1, WindowFixtures.SLOW_NANOS);
  }

  /**
   * A slow success.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onSuccess(p2, WindowFixtures.SLOW_NANOS);
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
