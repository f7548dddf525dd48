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
 * Tripping from {@code threshold - 1}: {@code failureThreshold = 2} with one failure already
 * counted; both actors acquire a permit and report a failure. The breaker opens exactly once
 * (one CLOSED -> OPEN listener call); the loser's failure is either rejected at admission or
 * reported with a permit of the old generation and ignored. Each actor also reads
 * {@code failureCount()} after its report: its failure either tripped the breaker or came after
 * the trip, so it must read 0 (OPEN); a non-zero count means a failure was counted in CLOSED
 * beyond the trip.
 *
 * <p>Result: (actor 1 admitted * 10 + failureCount seen, same for actor 2, CLOSED->OPEN calls,
 * other listener calls, final state).
 */
@JCStressTest
@Outcome(id = {"10, 10, 1, 0, 1", "10, 0, 1, 0, 1", "0, 10, 1, 0, 1"}, expect = ACCEPTABLE,
    desc = "opened exactly once; the loser was stale or rejected")
@Outcome(id = ".*, .*, 2, .*", expect = FORBIDDEN, desc = "opened twice: two listener calls")
@Outcome(expect = FORBIDDEN, desc = "did not open, opened twice, or a count at the threshold")
@org.openjdk.jcstress.annotations.State
public class TrippingTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 2, 1, 1);
  private final TransitionLog log;

  /** Sets the breaker one failure below the threshold. */
  public TrippingTest() {
    Fixtures.fail(breaker, 1);
    log = TransitionLog.on(breaker);
  }

  private int failOnce() {
    long p = breaker.tryAcquire();
    if (p == CircuitBreaker.REJECTED) {
      return 0;
    }
    breaker.onFailure(p);
    return 10 + breaker.failureCount();
  }

  /**
   * Acquires and fails.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    r.r1 = failOnce();
  }

  /**
   * Acquires and fails.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    r.r2 = failOnce();
  }

  /**
   * Final word: announcements and state.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r3 = log.count(State.CLOSED, State.OPEN);
    r.r4 = log.total() - r.r3;
    r.r5 = breaker.state().ordinal();
  }
}
