package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Half-open admission, {@code halfOpenMaxCalls = 2}, three attempts (N + 1) from two actors:
 * actor 1 calls {@code tryAcquire} twice, actor 2 once, on an OPEN breaker whose timeout has just
 * passed. Exactly two are admitted, the OPEN -> HALF_OPEN transition is announced once, and two
 * probes are in flight at the end. (Two actors only: jcstress skips tests with more actors than
 * cores; the 3-actor variant is {@code manycore.HalfOpenAdmissionThreeActorsTest}.)
 *
 * <p>Result: (actor 1 admissions, actor 2 admissions, OPEN->HALF_OPEN listener calls, other
 * listener calls, probes in flight).
 */
@JCStressTest
@Outcome(id = {"2, 0, 1, 0, 2", "1, 1, 1, 0, 2"}, expect = ACCEPTABLE,
    desc = "exactly two of three admitted, one transition, two slots taken")
@Outcome(id = "2, 1, .*", expect = FORBIDDEN, desc = "three probes admitted with halfOpenMaxCalls = 2")
@Outcome(expect = FORBIDDEN, desc = "wrong admission count, transition count or slot count")
@org.openjdk.jcstress.annotations.State
public class HalfOpenAdmissionTwoProbesTest {
  private final CircuitBreaker breaker =
      Fixtures.openExpired(new ManualTicker(), 1, 2, 2);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * Two attempts.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire()) + Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * One attempt.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    r.r2 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * Final word: announcements and slots.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r3 = log.count(State.OPEN, State.HALF_OPEN);
    r.r4 = log.total() - r.r3;
    r.r5 = breaker.probesInFlight();
  }
}
