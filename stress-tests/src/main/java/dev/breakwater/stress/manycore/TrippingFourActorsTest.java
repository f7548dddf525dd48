package dev.breakwater.stress.manycore;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.stress.Fixtures;
import dev.breakwater.stress.ManualTicker;
import dev.breakwater.stress.TransitionLog;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Many-core variant of tripping: {@code failureThreshold = 4}, three failures counted, four
 * actors each report a failure with a permit of the current generation. Opens exactly once (one
 * listener call), the other three are stale. Needs 4+ cores.
 *
 * <p>Result: (CLOSED->OPEN calls, listener calls in all, final state).
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "opened exactly once")
@Outcome(expect = FORBIDDEN, desc = "opened twice or not at all")
@org.openjdk.jcstress.annotations.State
public class TrippingFourActorsTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 4, 1, 1);
  private final long p1;
  private final long p2;
  private final long p3;
  private final long p4;
  private final TransitionLog log;

  /** Three failures counted, four permits handed out. */
  public TrippingFourActorsTest() {
    Fixtures.fail(breaker, 3);
    p1 = Fixtures.admitted(breaker);
    p2 = Fixtures.admitted(breaker);
    p3 = Fixtures.admitted(breaker);
    p4 = Fixtures.admitted(breaker);
    log = TransitionLog.on(breaker);
  }

  /**
   * Fails.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    breaker.onFailure(p1);
  }

  /**
   * Fails.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    breaker.onFailure(p2);
  }

  /**
   * Fails.
   *
   * @param r results
   */
  @Actor
  public void actor3(III_Result r) {
    breaker.onFailure(p3);
  }

  /**
   * Fails.
   *
   * @param r results
   */
  @Actor
  public void actor4(III_Result r) {
    breaker.onFailure(p4);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = log.count(State.CLOSED, State.OPEN);
    r.r2 = log.total();
    r.r3 = breaker.state().ordinal();
  }
}
