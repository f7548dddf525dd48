package dev.breakwater.stress.control;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * CONTROL, not part of the pass/fail count: the same race as
 * {@code HalfOpenAdmissionOneProbeTest} (one slot, two callers) on {@link ReadThenWriteGate},
 * which has no CAS. Its double admission {@code "1, 1, 1"} is marked
 * {@code ACCEPTABLE_INTERESTING} so the run stays green, and {@code run-jcstress.sh control}
 * requires that it was <em>observed</em>: proof that, on this machine and in this mode, the
 * harness does make two threads interleave between a read and a write, so the breaker test's
 * silence means something.
 *
 * <p>Result: (actor 1 admitted, actor 2 admitted, slots counted at the end).
 */
@JCStressTest
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE, desc = "one admitted")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE_INTERESTING,
    desc = "BUG SEEN (expected for this control): both admitted, one slot counted")
@Outcome(expect = FORBIDDEN, desc = "impossible even for the broken gate")
@State
public class ReadThenWriteAdmissionControl {
  private final ReadThenWriteGate gate = new ReadThenWriteGate(1);

  /**
   * First caller.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    r.r1 = gate.tryAcquire() ? 1 : 0;
  }

  /**
   * Second caller.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    r.r2 = gate.tryAcquire() ? 1 : 0;
  }

  /**
   * Slots counted.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r3 = gate.inFlight();
  }
}
