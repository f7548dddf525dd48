package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.Bulkhead;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two threads race for the only permit of a bulkhead with limit 1 ({@code tryAcquire()} each):
 * exactly one is admitted and the counter reads 1 afterwards. A bulkhead that takes a permit by
 * reading the count and then writing {@code count + 1} (no CAS) lets both threads read 0 and both
 * in: {@code 1, 1, 1} (two calls running, the counter says one, so the later releases would also
 * make room for a third) or {@code 1, 1, 2}.
 *
 * <p>Result: (actor 1 admitted, actor 2 admitted, {@code runningCalls()} after both).
 */
@JCStressTest
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE, desc = "exactly one admitted, counted once")
@Outcome(id = {"1, 1, 1", "1, 1, 2"}, expect = FORBIDDEN, desc = "both admitted: over the limit")
@Outcome(expect = FORBIDDEN, desc = "nobody admitted, or a count that disagrees with the admissions")
@org.openjdk.jcstress.annotations.State
public class BulkheadLimitTest {
  private final Bulkhead bulkhead = Bulkhead.of("limit", 1);

  /**
   * First caller.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    r.r1 = bulkhead.tryAcquire() ? 1 : 0;
  }

  /**
   * Second caller.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    r.r2 = bulkhead.tryAcquire() ? 1 : 0;
  }

  /**
   * The count the admissions left.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r3 = bulkhead.runningCalls();
  }
}
