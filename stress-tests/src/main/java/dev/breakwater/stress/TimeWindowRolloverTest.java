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
 * Time window, <b>two records racing to roll a bucket over</b>: a 1 s window (ten 100 ms buckets),
 * minimum 100 calls (it cannot trip). Set-up: F, F recorded in epoch {@code E0} (slot 0); S, F in
 * epoch {@code E0 + 4}; then the ticker is moved to the first instant of {@code E0 + 10}, whose
 * slot 0 still holds the {@code E0} bucket. Both actors record at that instant (actor 1 a failure,
 * actor 2 a success; permits acquired in the constructor): both find the old bucket, exactly one
 * CAS replaces it with a fresh {@code E0 + 10} bucket, and the loser adds to the winner's bucket.
 * The window {@code (E0, E0 + 10]} then holds exactly the live S, F of {@code E0 + 4} plus both new
 * outcomes: 4 calls, 2 failed (the old F, F must not count). The arbiter also moves the ticker 9
 * buckets on, to {@code E0 + 19}, where only the {@code E0 + 10} bucket is live: it must hold both
 * outcomes and nothing else (2 calls, 1 failed).
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (metrics at
 * {@code E0 + 10}, metrics at {@code E0 + 19}, final state, listener calls).
 */
@JCStressTest
@Outcome(id = "420, 210, 0, 0", expect = ACCEPTABLE,
    desc = "one bucket installed, both outcomes in it, the old bucket gone")
@Outcome(id = {"310, 110, .*", "320, 100, .*"}, expect = FORBIDDEN,
    desc = "an outcome lost: both replaced the bucket, or the loser wrote to a dead one")
@Outcome(id = "640, .*", expect = FORBIDDEN, desc = "the old bucket's calls still counted")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class TimeWindowRolloverTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = WindowFixtures.time(ticker, 100, 50);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** F, F at E0; S, F at E0 + 4; the ticker at the first instant of E0 + 10. */
  public TimeWindowRolloverTest() {
    WindowFixtures.record(breaker, "FF");
    WindowFixtures.advanceBuckets(ticker, 4);
    WindowFixtures.record(breaker, "SF");
    WindowFixtures.advanceBuckets(ticker, 6);
    WindowFixtures.expectMetrics(breaker, 2, 1, 0);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Fails at the first instant of E0 + 10.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onFailure(p1);
  }

  /**
   * Succeeds at the first instant of E0 + 10.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onSuccess(p2);
  }

  /**
   * Metrics now and 9 buckets later, state, listener calls.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = WindowFixtures.encode(breaker.metrics());
    WindowFixtures.advanceBuckets(ticker, 9);
    r.r2 = WindowFixtures.encode(breaker.metrics());
    r.r3 = breaker.state().ordinal();
    r.r4 = log.total();
  }
}
