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
 * A release races two admissions: limit 2, one permit held by the set-up; actor 1 releases it
 * while actor 2 calls {@code tryAcquire()} twice. The count must always equal the permits held
 * (actor 2's admissions) and never pass the limit. The three linearizations: both of actor 2's
 * calls before the release (the second finds 2 running: {@code 1, 0, 1}), or the release before
 * the second call ({@code 1, 1, 2}); actor 2's first call always finds a free permit.
 *
 * <p>Why not limit 1 with the one permit held: at the limit, an acquirer can only move after the
 * release's write, so a release or acquire that reads and then writes (no CAS) is never
 * interrupted there and such a test cannot fail. Here one permit is free from the start, so both
 * sides really write the same counter at once: a lost update shows as a count that disagrees with
 * the admissions. A release by read-then-write that overwrites an admission leaves
 * {@code 1, 0, 0} or {@code 1, 1, 1} (room for one call too many); an acquire by read-then-write
 * that overwrites the release leaves {@code 1, 0, 2} (a permit leaked for good).
 *
 * <p>Result: (actor 2's first call admitted, its second admitted, {@code runningCalls()} after
 * both actors; a release that threw would make the count disagree too).
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "both calls before the release: 2 running, then 1")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the release before the second call: 2 running")
@Outcome(id = {"1, 0, 0", "1, 1, 1"}, expect = FORBIDDEN, desc = "an admission lost: room for one call too many")
@Outcome(id = {"1, 0, 2", "1, 1, 3"}, expect = FORBIDDEN, desc = "the release lost: a permit leaked")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@org.openjdk.jcstress.annotations.State
public class BulkheadReleaseVsAcquireTest {
  private final Bulkhead bulkhead = Bulkhead.of("release", 2);

  /** Takes the permit that actor 1 releases. */
  public BulkheadReleaseVsAcquireTest() {
    if (!bulkhead.tryAcquire()) {
      throw new IllegalStateException("setup expected a permit");
    }
  }

  /**
   * Releases the set-up's permit.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    bulkhead.release();
  }

  /**
   * Asks twice.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    r.r1 = bulkhead.tryAcquire() ? 1 : 0;
    r.r2 = bulkhead.tryAcquire() ? 1 : 0;
  }

  /**
   * The count.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r3 = bulkhead.runningCalls();
  }
}
