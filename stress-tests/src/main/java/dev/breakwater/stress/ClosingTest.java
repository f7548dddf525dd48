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
 * Closing by concurrent probe successes, {@code successThreshold = 2}, two probes in flight:
 * both report success at once. Both must count, so the breaker closes, exactly once. A lost
 * success would leave it HALF_OPEN with one success and one slot still taken.
 *
 * <p>Result: (HALF_OPEN->CLOSED calls, other listener calls, final state, probes in flight).
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "closed exactly once")
@Outcome(id = "0, 0, 2, .*", expect = FORBIDDEN, desc = "a success was lost: still HALF_OPEN")
@Outcome(expect = FORBIDDEN, desc = "closed twice or a wrong final state")
@org.openjdk.jcstress.annotations.State
public class ClosingTest {
  private final CircuitBreaker breaker =
      Fixtures.openExpired(new ManualTicker(), 1, 2, 2);
  private final long p1 = Fixtures.admitted(breaker);
  private final long p2 = Fixtures.admitted(breaker);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * First probe succeeds.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onSuccess(p1);
  }

  /**
   * Second probe succeeds.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onSuccess(p2);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = log.count(State.HALF_OPEN, State.CLOSED);
    r.r2 = log.total() - r.r1;
    r.r3 = breaker.state().ordinal();
    r.r4 = breaker.probesInFlight();
  }
}
