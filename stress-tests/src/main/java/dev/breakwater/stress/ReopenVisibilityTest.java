package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Visibility of a re-open with backoff: the only probe fails (actor 1), which re-opens the
 * breaker at backoff level 1 with a 2 s deadline. Actor 2 reads {@code state()},
 * {@code backoffLevel()} and then calls. Having seen OPEN it must see level 1 and the backed-off
 * deadline (retry-after in (1 s + 1 ms, 2 s + 1 ms]), never the base deadline of level 0.
 *
 * <p>Result: (state seen, level seen, call outcome as in {@link OpenVisibilityTest}; 3 = rejected
 * with a deadline in (timeout + 1 ms, 2 timeout + 1 ms]).
 */
@JCStressTest
@Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "saw HALF_OPEN, slot busy, rejected")
@Outcome(id = {"2, 0, 3", "2, 1, 3"}, expect = ACCEPTABLE,
    desc = "saw HALF_OPEN, the re-open came before the call")
@Outcome(id = "1, 1, 3", expect = ACCEPTABLE, desc = "saw OPEN with its level and deadline")
@Outcome(id = {"1, 0, .*", "1, 1, 0"}, expect = FORBIDDEN,
    desc = "saw OPEN without its level, or admitted")
@Outcome(expect = FORBIDDEN, desc = "a deadline not from this re-open")
@org.openjdk.jcstress.annotations.State
public class ReopenVisibilityTest {
  private final CircuitBreaker breaker = Fixtures.openExpired(new ManualTicker(), 1, 1, 1);
  private final long probe = Fixtures.admitted(breaker);

  /**
   * The probe fails.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    breaker.onFailure(probe);
  }

  /**
   * Looks, then calls.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    r.r1 = breaker.state().ordinal();
    r.r2 = breaker.backoffLevel();
    r.r3 = Fixtures.callOutcome(breaker);
  }
}
