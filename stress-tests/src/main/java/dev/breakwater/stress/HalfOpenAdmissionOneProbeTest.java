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
 * Half-open admission, {@code halfOpenMaxCalls = 1}: two callers race {@code tryAcquire} on an
 * OPEN breaker whose timeout has just passed. Exactly one is admitted (it also makes the
 * OPEN -> HALF_OPEN transition, announced once); the other is rejected because the only slot is
 * taken.
 *
 * <p>Result: (actor 1 admitted, actor 2 admitted, OPEN->HALF_OPEN listener calls, other listener
 * calls, probes in flight at the end).
 *
 * <p>Run alone: {@code java -jar stress-tests/target/jcstress.jar -t
 * '^dev\.breakwater\.stress\.HalfOpenAdmissionOneProbeTest$'}
 */
@JCStressTest
@Outcome(id = {"1, 0, 1, 0, 1", "0, 1, 1, 0, 1"}, expect = ACCEPTABLE,
    desc = "exactly one probe admitted, one OPEN->HALF_OPEN transition")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "two probes admitted with halfOpenMaxCalls = 1")
@Outcome(expect = FORBIDDEN, desc = "wrong admission count, transition count or slot count")
@org.openjdk.jcstress.annotations.State
public class HalfOpenAdmissionOneProbeTest {
  private final CircuitBreaker breaker =
      Fixtures.openExpired(new ManualTicker(), 1, 1, 1);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * First caller.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * Second caller.
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
