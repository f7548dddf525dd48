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
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Many-core variant of the half-open admission test: {@code halfOpenMaxCalls = 2}, three actors
 * (one {@code tryAcquire} each) on an OPEN breaker whose timeout has just passed. Exactly two
 * admitted, one OPEN -> HALF_OPEN announcement. Needs 3+ cores (skipped on 2).
 *
 * <p>Result: (actor 1, 2, 3 admitted, OPEN->HALF_OPEN calls, probes in flight).
 */
@JCStressTest
@Outcome(id = {"1, 1, 0, 1, 2", "1, 0, 1, 1, 2", "0, 1, 1, 1, 2"}, expect = ACCEPTABLE,
    desc = "exactly two of three admitted")
@Outcome(expect = FORBIDDEN, desc = "wrong admission or transition count")
@org.openjdk.jcstress.annotations.State
public class HalfOpenAdmissionThreeActorsTest {
  private final CircuitBreaker breaker = Fixtures.openExpired(new ManualTicker(), 1, 2, 2);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * A caller.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * A caller.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    r.r2 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * A caller.
   *
   * @param r results
   */
  @Actor
  public void actor3(IIIII_Result r) {
    r.r3 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r4 = log.count(State.OPEN, State.HALF_OPEN) == log.total() ? log.total() : -1;
    r.r5 = breaker.probesInFlight();
  }
}
