package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.Bulkhead;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * An asynchronous call's permit is released exactly once when its stage completes at the same
 * time as the caller cancels the returned future. The set-up starts {@code callAsync} on a
 * pending stage; actor 1 completes that stage, actor 2 cancels the returned future. Whichever
 * wins, the returned future completes once and the permit goes back once.
 *
 * <p>The bulkhead has limit 2 and the set-up holds a second, unrelated permit (the "witness"): a
 * surplus release on a limit-1 bulkhead would hit the counter's floor ({@code release()} throws
 * {@code IllegalStateException} inside a completion callback, which {@code CompletableFuture}
 * swallows), so a double release would be invisible; with the witness held it shows as a count of
 * 0 instead of 1 (and the arbiter's release of the witness then throws: {@code .., 0, 9, 0}). A
 * release skipped on the cancel path shows as 2 (the permit leaked), and only one of the
 * arbiter's two fresh acquisitions succeeds ({@code .., 2, 1, 0}).
 *
 * <p>Result: (who won: 1 the stage's value, 2 the cancel, 0 neither/both; {@code runningCalls()}
 * after both actors, 1 = only the witness; fresh {@code tryAcquire()}s that succeed after the
 * arbiter releases the witness, out of 2, or 9 if that release threw; exceptions that escaped
 * the actors).
 */
@JCStressTest
@Outcome(id = "1, 1, 2, 0", expect = ACCEPTABLE, desc = "the stage won: permit released once")
@Outcome(id = "2, 1, 2, 0", expect = ACCEPTABLE, desc = "the cancel won: permit released once")
@Outcome(id = {"1, 0, 9, 0", "2, 0, 9, 0"}, expect = FORBIDDEN, desc = "released twice (the witness's permit given away)")
@Outcome(id = {"1, 2, 1, 0", "2, 2, 1, 0"}, expect = FORBIDDEN, desc = "not released: a permit leaked")
@Outcome(expect = FORBIDDEN, desc = "anything else (an exception escaped, an outcome neither or both)")
@org.openjdk.jcstress.annotations.State
public class BulkheadAsyncCancelTest {
  private final Bulkhead bulkhead = Bulkhead.of("async", 2);
  private final CompletableFuture<String> inner = new CompletableFuture<>();
  private final CompletableFuture<String> outer;
  private volatile int escaped;

  /** Takes the witness permit, then starts the call whose permit is raced. */
  public BulkheadAsyncCancelTest() {
    if (!bulkhead.tryAcquire()) {
      throw new IllegalStateException("setup expected the witness permit");
    }
    outer = bulkhead.callAsync(() -> inner);
    if (bulkhead.runningCalls() != 2) {
      throw new IllegalStateException("setup expected 2 permits held: " + bulkhead);
    }
  }

  /**
   * The operation's stage completes.
   *
   * @param r results
   */
  @Actor
  public void complete(IIII_Result r) {
    try {
      inner.complete("done");
    } catch (RuntimeException e) {
      escaped++; // (racy only if both throw; any nonzero count fails the test)
    }
  }

  /**
   * The caller cancels the returned future.
   *
   * @param r results
   */
  @Actor
  public void cancel(IIII_Result r) {
    try {
      outer.cancel(true);
    } catch (RuntimeException e) {
      escaped++;
    }
  }

  /**
   * Who won, the count, and whether the permits free up.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    boolean value = outer.isDone() && !outer.isCompletedExceptionally()
        && "done".equals(outer.getNow(null));
    boolean cancelled = outer.isCancelled();
    r.r1 = value == cancelled ? 0 : value ? 1 : 2;
    r.r2 = bulkhead.runningCalls();
    int fresh = 0;
    try {
      bulkhead.release(); // the witness
      fresh += bulkhead.tryAcquire() ? 1 : 0;
      fresh += bulkhead.tryAcquire() ? 1 : 0;
    } catch (IllegalStateException surplus) {
      fresh = 9;
    }
    r.r3 = fresh;
    r.r4 = escaped;
  }
}
