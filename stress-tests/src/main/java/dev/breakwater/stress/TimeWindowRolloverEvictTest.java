package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Time window, <b>the clock crosses a rollover while another thread records, and a live bucket must
 * leave the window</b>: a 1 s window (ten 100 ms buckets), minimum 100 calls (it cannot trip).
 * Set-up: F, F recorded in epoch {@code E0} (slot 0), S in epoch {@code E0 + 5}, then the ticker is
 * moved to the last nanosecond of {@code E0 + 9}: the window {@code (E0 - 1, E0 + 9]} holds all
 * three (3 calls, 2 failed). Actor 1 moves the ticker 1 ns on, to the first instant of
 * {@code E0 + 10} (the {@code E0} bucket leaves the window), and reports a success; actor 2 reports
 * a failure, reading the clock either before the move (its failure goes to a fresh {@code E0 + 9}
 * bucket, slot 9) or after it (it races actor 1 to replace the {@code E0} bucket in slot 0). Either
 * way, at {@code E0 + 10} the window holds the S of {@code E0 + 5} and both new outcomes: 3 calls,
 * 1 failed; the old F, F are gone. The arbiter then moves to {@code E0 + 19}, where only the
 * {@code E0 + 10} bucket is live: 1 call, 0 failed if actor 2 recorded before the move, 2 calls,
 * 1 failed if after.
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (metrics at
 * {@code E0 + 10}, metrics at {@code E0 + 19}, final state, listener calls).
 */
@JCStressTest
@Outcome(id = "310, 100, 0, 0", expect = ACCEPTABLE,
    desc = "actor 2 recorded before the rollover (epoch E0 + 9), actor 1 after")
@Outcome(id = "310, 210, 0, 0", expect = ACCEPTABLE,
    desc = "both recorded after the rollover, in one E0 + 10 bucket")
@Outcome(id = {"530, .*", "520, .*", "430, .*"}, expect = FORBIDDEN,
    desc = "the E0 bucket's calls still counted after it left the window")
@Outcome(id = {"200, .*", "210, .*"}, expect = FORBIDDEN,
    desc = "an outcome lost at the rollover")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class TimeWindowRolloverEvictTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = WindowFixtures.time(ticker, 100, 50);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** F, F at E0; S at E0 + 5; the ticker at the last nanosecond of E0 + 9. */
  public TimeWindowRolloverEvictTest() {
    WindowFixtures.record(breaker, "FF");
    WindowFixtures.advanceBuckets(ticker, 5);
    WindowFixtures.record(breaker, "S");
    WindowFixtures.advanceBuckets(ticker, 5);
    ticker.advance(Duration.ofNanos(-1));
    WindowFixtures.expectMetrics(breaker, 3, 2, 0);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Moves the clock into E0 + 10 (the only writer of the ticker), then succeeds.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    ticker.advance(Duration.ofNanos(1));
    breaker.onSuccess(p1);
  }

  /**
   * Fails, at E0 + 9 or E0 + 10.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(p2);
  }

  /**
   * Metrics at E0 + 10 and at E0 + 19, state, listener calls.
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
