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
 * Half-open admission under more pressure: {@code halfOpenMaxCalls = 2}, four attempts (N + 2),
 * two per actor. Still exactly two admitted, whichever actor gets them, and one transition.
 *
 * <p>Result: (actor 1 admissions, actor 2 admissions, OPEN->HALF_OPEN listener calls, other
 * listener calls, probes in flight).
 */
@JCStressTest
@Outcome(id = {"2, 0, 1, 0, 2", "1, 1, 1, 0, 2", "0, 2, 1, 0, 2"}, expect = ACCEPTABLE,
    desc = "exactly two of four admitted, one transition, two slots taken")
@Outcome(expect = FORBIDDEN, desc = "more or fewer than two admitted, or a wrong transition count")
@org.openjdk.jcstress.annotations.State
public class HalfOpenAdmissionOverflowTest {
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
   * Two attempts.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    r.r2 = Fixtures.admittedBit(breaker.tryAcquire()) + Fixtures.admittedBit(breaker.tryAcquire());
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
