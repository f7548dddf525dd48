package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * <b>Current-generation {@code onIgnored} against admission</b> in HALF_OPEN with every slot taken:
 * {@code halfOpenMaxCalls = 2}, both probes admitted in the constructor (the clock does not move,
 * so no probe is hung). Actor 1 releases both probes uncounted, one after the other; actor 2 asks
 * for two permits. A release frees a slot that a concurrent admission may take at once, so the six
 * interleavings give (admitted, admitted, in flight) = (0, 0, 0), (0, 1, 1), (1, 0, 1) or
 * (1, 1, 2): always as many probes in flight as actor 2 was admitted, never more than two, the
 * breaker still HALF_OPEN. A release that wrote its decrement without a CAS could undo an admission
 * made between its read and its write (admitted 1, in flight 0); an admission without a CAS could
 * undo a release.
 *
 * <p>Result: (actor 2's first acquire admitted, its second, probes in flight, final state).
 */
@JCStressTest
@Outcome(id = "0, 0, 0, 2", expect = ACCEPTABLE, desc = "both admissions before the first release")
@Outcome(id = "0, 1, 1, 2", expect = ACCEPTABLE, desc = "a release between the two admissions")
@Outcome(id = "1, 0, 1, 2", expect = ACCEPTABLE,
    desc = "a release, both admissions (the second finds the slot retaken), the other release")
@Outcome(id = "1, 1, 2, 2", expect = ACCEPTABLE, desc = "both releases before the second admission")
@Outcome(id = {"1, 0, 0, .*", "0, 1, 0, .*", "1, 1, [01], .*"}, expect = FORBIDDEN,
    desc = "an admitted probe's slot lost: a release overwrote an admission")
@Outcome(id = {"0, 0, [12], .*", "[01], [01], [3-9], .*"}, expect = FORBIDDEN,
    desc = "a released slot still taken, or more probes in flight than admitted")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class IgnoredVsAdmissionTest {
  private final CircuitBreaker breaker = Fixtures.openExpired(new ManualTicker(), 1, 3, 2);
  private final long p1 = Fixtures.admitted(breaker);
  private final long p2 = Fixtures.admitted(breaker);

  /**
   * Releases both probes, uncounted.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onIgnored(p1);
    breaker.onIgnored(p2);
  }

  /**
   * Asks for two permits.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    r.r1 = Fixtures.admittedBit(breaker.tryAcquire());
    r.r2 = Fixtures.admittedBit(breaker.tryAcquire());
  }

  /**
   * Probes in flight, state.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r3 = breaker.probesInFlight();
    r.r4 = breaker.state().ordinal();
  }
}
