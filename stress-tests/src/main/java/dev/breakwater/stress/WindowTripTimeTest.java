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
 * Time window, <b>concurrent failure-rate crossing at a bucket rollover opens exactly once</b>: a
 * 1 s window (ten 100 ms buckets), minimum 4 calls, threshold 50%. Set-up: S, S in epoch
 * {@code E0} (slot 0), S in {@code E0 + 2}, F in {@code E0 + 5}, S in {@code E0 + 9} (5 calls,
 * 1 failed: 20%, closed), then the ticker moves to the first instant of {@code E0 + 10}: the
 * {@code E0} bucket leaves the window, which now holds S, F, S (3 calls: no verdict). Both actors
 * report a failure at that instant (permits of that CLOSED generation, acquired in the
 * constructor); both need slot 0, which still holds the {@code E0} bucket, so they also race to
 * replace it. Either failure makes 4 calls, 2 failed = 50%: both recorders may see a crossing and
 * both try the CLOSED -> OPEN CAS; exactly one must win. The loser's failure is recorded (5 calls,
 * 3 failed) or ignored as stale (4 calls, 2 failed). Counting the departed S, S would dilute the
 * rate below 50% (6 calls, 2 failed) and the breaker would stay CLOSED.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (frozen metrics, final
 * state, CLOSED -> OPEN listener calls, other listener calls).
 */
@JCStressTest
@Outcome(id = "530, 1, 1, 0", expect = ACCEPTABLE,
    desc = "opened once; both failures in the frozen window")
@Outcome(id = "420, 1, 1, 0", expect = ACCEPTABLE,
    desc = "opened once; the second failure came after the trip and was ignored (stale)")
@Outcome(id = ".*, .*, 2, .*", expect = FORBIDDEN, desc = "opened twice: two listener calls")
@Outcome(id = ".*, 0, 0, 0", expect = FORBIDDEN,
    desc = "crossing missed (e.g. the departed bucket diluted the rate): still CLOSED")
@Outcome(expect = FORBIDDEN, desc = "anything else: wrong frozen window, wrong state")
@org.openjdk.jcstress.annotations.State
public class WindowTripTimeTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = WindowFixtures.time(ticker, 4, 50);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** S, S at E0; S at E0 + 2; F at E0 + 5; S at E0 + 9; the ticker at the start of E0 + 10. */
  public WindowTripTimeTest() {
    WindowFixtures.record(breaker, "SS");
    WindowFixtures.advanceBuckets(ticker, 2);
    WindowFixtures.record(breaker, "S");
    WindowFixtures.advanceBuckets(ticker, 3);
    WindowFixtures.record(breaker, "F");
    WindowFixtures.advanceBuckets(ticker, 4);
    WindowFixtures.record(breaker, "S");
    WindowFixtures.expectMetrics(breaker, 5, 1, 0);
    WindowFixtures.advanceBuckets(ticker, 1);
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
