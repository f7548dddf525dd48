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
 * <b>A probe failure against the success that closes</b>: {@code successThreshold = 2},
 * {@code halfOpenMaxCalls = 2}, {@code failureThreshold = 2}. Set-up: two probes admitted, one
 * succeeds (1 success, 1 slot), a third probe is admitted (2 slots). Actor 1 reports the success
 * that reaches the threshold; actor 2 reports a probe failure. Exactly one of them decides the
 * period: closed (HALF_OPEN -> CLOSED; the failure is then stale and must not count in the new
 * CLOSED period) or re-opened (HALF_OPEN -> OPEN with backoff level 1; the success is stale). The
 * arbiter then moves the clock 3 s on (past the 2 s backed-off timeout) and asks for a permit:
 * CLOSED admits it with no failure counted; OPEN admits it as the first probe of a fresh period
 * (1 slot, 0 successes).
 *
 * <p>Result: (state after the race, HALF_OPEN -> CLOSED calls, HALF_OPEN -> OPEN calls, backoff
 * level, then {@code state * 100 + probes in flight * 10 + (CLOSED ? failures : successes)} after
 * the next admission).
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 0, 0", expect = ACCEPTABLE, desc = "closed; the failure was stale")
@Outcome(id = "1, 0, 1, 1, 210", expect = ACCEPTABLE,
    desc = "re-opened; the success was stale; the next period starts clean")
@Outcome(id = ".*, 1, 1, .*", expect = FORBIDDEN, desc = "both closed and re-opened")
@Outcome(id = "0, 1, 0, 0, 1", expect = FORBIDDEN, desc = "the stale failure counted after closing")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "still HALF_OPEN: neither verdict applied")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class ProbeFailureVsClosingTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = Fixtures.openExpired(ticker, 2, 2, 2);
  private final long closing;
  private final long failing;
  private final TransitionLog log;

  /** HALF_OPEN with 1 success and 2 probes in flight. */
  public ProbeFailureVsClosingTest() {
    long first = Fixtures.admitted(breaker);
    closing = Fixtures.admitted(breaker);
    breaker.onSuccess(first);
    failing = Fixtures.admitted(breaker);
    if (breaker.successCount() != 1 || breaker.probesInFlight() != 2) {
      throw new IllegalStateException("setup expected 1 success, 2 probes: " + breaker);
    }
    log = TransitionLog.on(breaker);
  }

  /**
   * The success that reaches the threshold.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    breaker.onSuccess(closing);
  }

  /**
   * A probe failure.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    breaker.onFailure(failing);
  }

  /**
   * The verdict, then the next admission 3 s later.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r1 = breaker.state().ordinal();
    r.r2 = log.count(State.HALF_OPEN, State.CLOSED);
    r.r3 = log.count(State.HALF_OPEN, State.OPEN);
    r.r4 = breaker.backoffLevel();
    ticker.advance(Duration.ofSeconds(3));
    if (breaker.tryAcquire() == CircuitBreaker.REJECTED) {
      r.r5 = -1;
      return;
    }
    State s = breaker.state();
    r.r5 = s.ordinal() * 100 + breaker.probesInFlight() * 10
        + (s == State.CLOSED ? breaker.failureCount() : breaker.successCount());
  }
}
