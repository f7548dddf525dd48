package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * A hung probe that finally reports, racing the caller that gives up on it: the only probe
 * ({@code successThreshold = 1}) succeeds just as a new caller, finding the slot held past the
 * hung-probe timeout, re-opens the breaker. Exactly one of them moves it: success first (CLOSED,
 * and the caller is admitted in CLOSED), or re-open first (OPEN, caller rejected, the success is
 * stale). Never both, never neither.
 *
 * <p>Result: (caller admitted, final state, HALF_OPEN->CLOSED calls, HALF_OPEN->OPEN calls,
 * listener calls in all).
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 0, 1", expect = ACCEPTABLE, desc = "the late success closed it first")
@Outcome(id = "0, 1, 0, 1, 1", expect = ACCEPTABLE, desc = "the caller re-opened it first")
@Outcome(expect = FORBIDDEN, desc = "moved twice, not at all, or inconsistently")
@org.openjdk.jcstress.annotations.State
public class HungProbeLateReportTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = Fixtures.openExpired(ticker, 1, 1, 1);
  private final long probe = Fixtures.admitted(breaker);
  private final TransitionLog log;

  /** Lets twice the open timeout pass with the probe outstanding. */
  public HungProbeLateReportTest() {
    ticker.advance(Duration.ofSeconds(2));
    log = TransitionLog.on(breaker);
  }

  /**
   * A new caller.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * The hung probe reports at last.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    breaker.onSuccess(probe);
  }

  /**
   * Final word.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r2 = breaker.state().ordinal();
    r.r3 = log.count(State.HALF_OPEN, State.CLOSED);
    r.r4 = log.count(State.HALF_OPEN, State.OPEN);
    r.r5 = log.total();
  }
}
