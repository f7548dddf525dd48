package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Time window, <b>the trip decision must not count an older generation's buckets</b>: a 1 s window
 * (ten 100 ms buckets), minimum 4 calls, threshold 50%. Set-up: one failure in each of epochs
 * {@code E0}, {@code E0 + 1}, {@code E0 + 2} (slots 0-2; 3 calls: below the minimum, CLOSED), then
 * the ticker moves to {@code E0 + 3} and {@code reset()} starts a new generation. The old failing
 * buckets stay in slots 0-2, inside the time span of the window. Two permits of the new generation
 * are acquired in the constructor; actor 1 reports a failure, actor 2 a success, both at
 * {@code E0 + 3} (they race to install the new generation's bucket in slot 3), and both recorders
 * evaluate the rates. The new generation has 2 calls: no verdict, CLOSED. A verdict that also
 * summed the old generation's buckets would see 5 calls, 4 failed and open the breaker.
 * ({@code metrics()} filters generations on its own path, so it cannot show this.)
 *
 * <p>Metrics are encoded {@code calls * 100 + failed * 10 + slow}. Result: (final state, listener
 * calls, metrics).
 */
@JCStressTest
@Outcome(id = "0, 0, 210", expect = ACCEPTABLE,
    desc = "CLOSED; the new generation holds exactly its own two calls")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN,
    desc = "opened: the verdict counted the previous generation's failing buckets")
@Outcome(id = {".*, .*, 110", ".*, .*, 100"}, expect = FORBIDDEN, desc = "an outcome lost")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class WindowOldGenerationTimeTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = WindowFixtures.time(ticker, 4, 50);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** F at E0, E0 + 1, E0 + 2; the ticker at E0 + 3; reset; two permits of the new generation. */
  public WindowOldGenerationTimeTest() {
    for (int i = 0; i < 3; i++) {
      WindowFixtures.record(breaker, "F");
      WindowFixtures.advanceBuckets(ticker, 1);
    }
    WindowFixtures.expectMetrics(breaker, 3, 3, 0);
    Fixtures.expectState(breaker, CircuitBreaker.State.CLOSED);
    breaker.reset();
    WindowFixtures.expectMetrics(breaker, 0, 0, 0);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Fails at E0 + 3.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    breaker.onFailure(p1);
  }

  /**
   * Succeeds at E0 + 3.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    breaker.onSuccess(p2);
  }

  /**
   * State, listener calls, metrics.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = breaker.state().ordinal();
    r.r2 = log.total();
    r.r3 = WindowFixtures.encode(breaker.metrics());
  }
}
