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
 * Time window, <b>a stale outcome and the next period's first outcome racing for the same
 * bucket</b>: a 1 s window (ten 100 ms buckets), minimum 4 calls, threshold 50%. Set-up: S, S in
 * epoch {@code E0} (slot 0), S, F, S in {@code E0 + 5}, then the ticker moves to the first instant of
 * {@code E0 + 10} (window: S, F, S); one permit held. Actor 1 reports a failure with that permit:
 * in the old generation it replaces slot 0's {@code E0} bucket with an {@code E0 + 10} bucket of
 * the old generation and trips (4 calls, 2 failed). Actor 2 resets, acquires a fresh permit and
 * reports a success, which needs an {@code E0 + 10} bucket of the new generation in the same slot:
 * the two recorders can race on that slot's CAS with different generations. The stale failure must
 * never count in the new period: a newer generation's bucket in the slot makes it drop its outcome,
 * and an older one it installed is replaced by the fresh recorder. After both: CLOSED, the new
 * period holds exactly its own success (1 call, 0 failed); listener calls 0 or 2 (stale trip, then
 * reset).
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (actor 2's fresh permit
 * admitted, final state, metrics, listener calls).
 */
@JCStressTest
@Outcome(id = "1, 0, 100, 0", expect = ACCEPTABLE,
    desc = "the stale failure was ignored, dropped, or stayed in an old-generation bucket")
@Outcome(id = "1, 0, 100, 2", expect = ACCEPTABLE,
    desc = "the stale failure tripped the old period, then the reset; the new period has its own call")
@Outcome(id = {".*, 210, .*", ".*, 110, .*", ".*, 4[0-9]0, .*", ".*, 5[0-9]0, .*"},
    expect = FORBIDDEN, desc = "a stale or old-generation outcome counted in the new period")
@Outcome(id = ".*, .*, 0, .*", expect = FORBIDDEN,
    desc = "the fresh success lost (its bucket replaced by the stale one)")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class WindowStaleVsFreshTimeTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = WindowFixtures.time(ticker, 4, 50);
  private final long stale;
  private final TransitionLog log;

  /** S, S at E0; S, F, S at E0 + 5; the ticker at the start of E0 + 10; one permit held. */
  public WindowStaleVsFreshTimeTest() {
    WindowFixtures.record(breaker, "SS");
    WindowFixtures.advanceBuckets(ticker, 5);
    WindowFixtures.record(breaker, "SFS");
    WindowFixtures.advanceBuckets(ticker, 5);
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
