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
 * {@code forceOpen()} against a tripping failure, <b>checked transition by transition</b>
 * ({@code failureThreshold = 1}, the permit acquired in the constructor). The two linearizations:
 * force first (CLOSED -> FORCED_OPEN; the failure is stale), or trip first (CLOSED -> OPEN, then
 * OPEN -> FORCED_OPEN). Each announced transition must leave the state that the previous one
 * entered, so the multiset of (from, to) pairs must form one chain from CLOSED to the final state;
 * in particular CLOSED can be left only once. (Announcements made by different threads are not
 * ordered with respect to each other, so the chain is checked on the pairs, not on their order.)
 * A {@code forceOpen()} that read CLOSED and then wrote FORCED_OPEN without a CAS can overwrite a
 * trip made in between: both announce a transition out of CLOSED. {@link ForceOpenVsCallTest}
 * counts only the calls and sees 2 either way.
 *
 * <p>Result: (CLOSED -> OPEN calls, OPEN -> FORCED_OPEN calls, CLOSED -> FORCED_OPEN calls, other
 * listener calls, final state).
 */
@JCStressTest
@Outcome(id = "0, 0, 1, 0, 3", expect = ACCEPTABLE, desc = "forced first; the failure was stale")
@Outcome(id = "1, 1, 0, 0, 3", expect = ACCEPTABLE, desc = "tripped, then forced from OPEN")
@Outcome(id = "1, 0, 1, 0, 3", expect = FORBIDDEN,
    desc = "CLOSED left twice: the force overwrote the trip (no CAS)")
@Outcome(id = ".*, [0-2]", expect = FORBIDDEN, desc = "not FORCED_OPEN at the end")
@Outcome(expect = FORBIDDEN, desc = "anything else: a transition lost, doubled or from nowhere")
@org.openjdk.jcstress.annotations.State
public class ForceOpenVsTripTest {
  private final CircuitBreaker breaker = Fixtures.breaker(new ManualTicker(), 1, 1, 1);
  private final long permit = Fixtures.admitted(breaker);
  private final TransitionLog log = TransitionLog.on(breaker);

  /**
   * Forces the breaker open.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIIII_Result r) {
    breaker.forceOpen();
  }

  /**
   * Reports the failure that trips it.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIIII_Result r) {
    breaker.onFailure(permit);
  }

  /**
   * The transitions announced, and the final state.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r1 = log.count(State.CLOSED, State.OPEN);
    r.r2 = log.count(State.OPEN, State.FORCED_OPEN);
    r.r3 = log.count(State.CLOSED, State.FORCED_OPEN);
    r.r4 = log.total() - r.r1 - r.r2 - r.r3;
    r.r5 = breaker.state().ordinal();
  }
}
