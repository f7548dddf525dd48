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
 * No lost failure on the way to the threshold: {@code failureThreshold = 3}, one failure
 * counted, each actor reports one more with a permit taken in the same generation. Both failures
 * must count, so the breaker reaches exactly the threshold and opens exactly once. A lost update
 * (read-then-write instead of CAS) would leave it CLOSED with 2 failures.
 *
 * <p>Result: (CLOSED->OPEN calls, other listener calls, final state, final failureCount).
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "both failures counted: opened once")
@Outcome(id = "0, 0, 0, 2", expect = FORBIDDEN, desc = "a failure was lost: still CLOSED")
@Outcome(expect = FORBIDDEN, desc = "opened twice or a wrong count")
@org.openjdk.jcstress.annotations.State
public class FailureCountTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 3, 1, 1);
  private final long p1;
  private final long p2;
  private final TransitionLog log;

  /** One failure counted, two permits of the current generation handed out. */
  public FailureCountTest() {
    Fixtures.fail(breaker, 1);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Reports a failure.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onFailure(p1);
  }

  /**
   * Reports a failure.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(p2);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = log.count(State.CLOSED, State.OPEN);
    r.r2 = log.total() - r.r1;
    r.r3 = breaker.state().ordinal();
    r.r4 = breaker.failureCount();
  }
}
