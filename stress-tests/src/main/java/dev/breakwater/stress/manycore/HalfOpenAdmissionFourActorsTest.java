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
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * Many-core variant: {@code halfOpenMaxCalls = 3}, four actors, one {@code tryAcquire} each.
 * Exactly three admitted, one OPEN -> HALF_OPEN announcement. Needs 4+ cores.
 *
 * <p>Result: (actor 1..4 admitted, OPEN->HALF_OPEN calls, probes in flight).
 */
@JCStressTest
@Outcome(id = {"1, 1, 1, 0, 1, 3", "1, 1, 0, 1, 1, 3", "1, 0, 1, 1, 1, 3", "0, 1, 1, 1, 1, 3"},
    expect = ACCEPTABLE, desc = "exactly three of four admitted")
@Outcome(expect = FORBIDDEN, desc = "wrong admission or transition count")
@org.openjdk.jcstress.annotations.State
public class HalfOpenAdmissionFourActorsTest {
  private final CircuitBreaker breaker = Fixtures.openExpired(new ManualTicker(), 1, 3, 3);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * A caller.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * A caller.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIIII_Result r) {
    r.r2 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * A caller.
   *
   * @param r results
   */
  @Actor
  public void actor3(IIIIII_Result r) {
    r.r3 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * A caller.
   *
   * @param r results
   */
  @Actor
  public void actor4(IIIIII_Result r) {
    r.r4 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIIII_Result r) {
    r.r5 = log.count(State.OPEN, State.HALF_OPEN) == log.total() ? log.total() : -1;
    r.r6 = breaker.probesInFlight();
  }
}
