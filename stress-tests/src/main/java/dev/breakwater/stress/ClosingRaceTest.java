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
 * Two closers: {@code successThreshold = 1}, two probes in flight, both succeed at once. Each
 * success alone is enough to close, so both race for the same CAS: exactly one wins and
 * announces; the other finds a newer generation and is ignored. A plain write would announce
 * twice.
 *
 * <p>Result: (HALF_OPEN->CLOSED calls, other listener calls, final state, failureCount).
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "closed exactly once")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "closed twice: both closers won")
@Outcome(expect = FORBIDDEN, desc = "not closed or a wrong final word")
@org.openjdk.jcstress.annotations.State
public class ClosingRaceTest {
  private final CircuitBreaker breaker =
      Fixtures.openExpired(new ManualTicker(), 1, 1, 2);
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
    r.r4 = breaker.failureCount();
  }
}
