package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Visibility of a trip: actor 1 trips a CLOSED breaker ({@code failureThreshold = 1}); actor 2
 * reads {@code state()} and then makes a call at the same (fake) instant. A thread that has seen
 * OPEN must also see the deadline that goes with it: its call is rejected with a retry-after in
 * (0, timeout + 1 ms], never admitted and never told a stale or zero deadline. (The deadline lives
 * in the same word as the state, so this is the check that nothing about OPEN is kept outside it.)
 *
 * <p>Result: (state actor 2 saw, what its call got: 0 admitted, 1 rejected with retry-after 0,
 * 2 rejected with a deadline in (0, timeout + 1 ms], 3/4 rejected with a deadline too far away).
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "saw CLOSED, called before the trip")
@Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "saw CLOSED, the trip came before its call")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "saw OPEN and its deadline")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "saw OPEN, yet admitted before the deadline")
@Outcome(expect = FORBIDDEN, desc = "a deadline not from this trip")
@org.openjdk.jcstress.annotations.State
public class OpenVisibilityTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 1, 1, 1);
  private final long permit = Fixtures.admitted(breaker);

  /**
   * Trips the breaker.
   *
   * @param r results
   */
  @Actor
  public void actor1(II_Result r) {
    breaker.onFailure(permit);
  }

  /**
   * Looks, then calls.
   *
   * @param r results
   */
  @Actor
  public void actor2(II_Result r) {
    r.r1 = breaker.state().ordinal();
    r.r2 = Fixtures.callOutcome(breaker);
  }
}
