package dev.breakwater.stress;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.Ticker;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;

/**
 * The operations shared by the Lincheck checks of {@link CircuitBreaker}: Lincheck runs random
 * scenarios of them on a few threads, then searches for a sequential order, consistent with real
 * time, that gives the same results on the sequential specification: a {@link BreakerModel}, an
 * independent state machine written from the documented semantics and started in the same state
 * (each test class names its model with {@code sequentialSpecification}). The implementation is
 * never its own model, so a check it drops or a transition it takes wrongly shows up even in a
 * scenario with no concurrency at all. Model checking explores interleavings systematically and
 * assumes sequential consistency; stress mode runs real threads and can also catch a missing
 * {@code volatile}.
 *
 * <p><b>Operations modelled.</b> {@code acquire} ({@code tryAcquire}: whether admitted; the permit
 * is kept per thread), {@code success}/{@code failure}/{@code ignored} (report the permit that
 * <em>this</em> thread acquired last, exactly once; a thread holding none does nothing: Lincheck's
 * {@link ThreadIdGen} passes the running thread's id, and the sequential replay sees the same
 * ids), {@code state}, {@code failureCount}, {@code probesInFlight}, {@code reset},
 * {@code forceOpen}, and {@code advanceTime}, which moves the fake ticker by
 * {@link BreakerModel#STEP} (the open timeout plus 10 ms: enough to let a probe in, and to make a
 * full HALF_OPEN period's probes hung). Permit values are not compared (they are opaque numbers),
 * only whether a call was admitted.
 *
 * <p><b>Time.</b> Time is an operation of its own, so the clock is deterministic and replayable.
 * Two reads of the clock are not at the breaker's linearization point: a trip (or re-open) reads
 * the clock and then CASes the word, and an OPEN rejection reads the word and then the clock. A
 * concurrent {@code advanceTime} between the two gives a deadline computed from a clock value
 * that a strictly sequential replay would not use; such a history is still linearizable when the
 * advance overlaps the operation (it can be ordered on either side), which is the only way the
 * gap can straddle it.
 *
 * <p><b>Windows.</b> The window tests use settings under which the documented approximations of a
 * window cannot change a state, so exact linearizability is the right claim: the window is larger
 * than any scenario's number of outcomes (no eviction, so no lap-order approximation) or longer
 * than any scenario's time (no bucket leaves it), and any failure crosses the threshold once the
 * minimum is reached, so a record can never undo a crossing that a concurrent recorder is about
 * to act on. (With a 50% threshold it can: a success that lowers the rate below the threshold can
 * complete, and be observed, between a failure's update of the totals and its trip; see the
 * stress-tests README.) {@code metrics()} is not an operation: its counts include a period's
 * stragglers, documented as approximate.
 *
 * <p><b>Not modelled.</b> Listener calls: they are made after the CAS that they announce, so
 * their count is not a function of a linearization point (the jcstress tests count them after
 * all actors finish instead). Generation wrap-around (65,536 transitions while a permit is held)
 * is outside any scenario Lincheck can generate ({@code GenerationWrapTest} covers the window's
 * side of it). A thread reporting a permit twice, which the breaker documents as a caller error
 * it cannot always detect, is excluded by construction.
 *
 * <p>Budgets: system properties {@code lincheck.iterations}, {@code lincheck.invocations}
 * (model checking) and {@code lincheck.stress.iterations}, {@code lincheck.stress.invocations}.
 */
@Param(name = "tid", gen = ThreadIdGen.class)
public abstract class BreakerLincheckBase {
  /** More than any thread id Lincheck hands out (threads, plus the init/post part). */
  private static final int MAX_THREADS = BreakerModel.MAX_THREADS;
  /** One {@link #advanceTime()} step. */
  protected static final long STEP = BreakerModel.STEP;

  static {
    Fixtures.silenceBreakerLog();
  }

  /** The fake clock; advanced only by {@link #advanceTime()} (and by subclass setup). */
  protected final Clock clock = new Clock();
  /** The breaker under test. */
  protected final CircuitBreaker breaker;

  /**
   * A CLOSED breaker with {@code halfOpenMaxCalls = 2}, {@code successThreshold = 2}, a 1 s open
   * timeout, backoff x2 up to 4 s, and the failure policy of {@code settings}.
   *
   * @param settings the settings shared with the test's {@link BreakerModel}
   */
  protected BreakerLincheckBase(BreakerModel.Settings settings) {
    breaker = CircuitBreaker.of("lincheck", settings.config(clock));
  }

  /** The last permit each thread acquired and has not reported; each slot has one writer. */
  private final long[] permits = newPermits();

  private static long[] newPermits() {
    long[] p = new long[MAX_THREADS];
    java.util.Arrays.fill(p, CircuitBreaker.REJECTED);
    return p;
  }

  /**
   * {@code tryAcquire}; the permit is kept for this thread's next report.
   *
   * @param tid the calling thread's id
   * @return whether the call was admitted
   */
  @Operation
  public boolean acquire(@Param(name = "tid") int tid) {
    long p = breaker.tryAcquire();
    if (p == CircuitBreaker.REJECTED) {
      return false;
    }
    permits[tid] = p;
    return true;
  }

  private long take(int tid) {
    long p = permits[tid];
    permits[tid] = CircuitBreaker.REJECTED;
    return p;
  }

  /**
   * Reports this thread's permit as a success.
   *
   * @param tid the calling thread's id
   * @return whether a permit was reported
   */
  @Operation
  public boolean success(@Param(name = "tid") int tid) {
    long p = take(tid);
    if (p == CircuitBreaker.REJECTED) {
      return false;
    }
    breaker.onSuccess(p);
    return true;
  }

  /**
   * Reports this thread's permit as a failure.
   *
   * @param tid the calling thread's id
   * @return whether a permit was reported
   */
  @Operation
  public boolean failure(@Param(name = "tid") int tid) {
    long p = take(tid);
    if (p == CircuitBreaker.REJECTED) {
      return false;
    }
    breaker.onFailure(p);
    return true;
  }

  /**
   * Reports this thread's permit as ignored.
   *
   * @param tid the calling thread's id
   * @return whether a permit was reported
   */
  @Operation
  public boolean ignored(@Param(name = "tid") int tid) {
    long p = take(tid);
    if (p == CircuitBreaker.REJECTED) {
      return false;
    }
    breaker.onIgnored(p);
    return true;
  }

  /**
   * The state.
   *
   * @return the state
   */
  @Operation
  public CircuitBreaker.State state() {
    return breaker.state();
  }

  /**
   * The CLOSED failure count.
   *
   * @return the count
   */
  @Operation
  public int failureCount() {
    return breaker.failureCount();
  }

  /**
   * HALF_OPEN probes in flight.
   *
   * @return the count
   */
  @Operation
  public int probesInFlight() {
    return breaker.probesInFlight();
  }

  /** Resets to CLOSED. */
  @Operation
  public void reset() {
    breaker.reset();
  }

  /** Forces open. */
  @Operation
  public void forceOpen() {
    breaker.forceOpen();
  }

  /** Moves the fake clock by {@link BreakerModel#STEP}. */
  @Operation
  public void advanceTime() {
    clock.now.addAndGet(STEP);
  }

  /**
   * The fake ticker: an atomic add, so concurrent advances are never lost (a named class rather
   * than a lambda, whose captured field Lincheck cannot track).
   */
  protected static final class Clock implements Ticker {
    final AtomicLong now = new AtomicLong(ManualTicker.START);

    @Override
    public long read() {
      return now.get();
    }
  }

  /**
   * Model checking: systematic interleavings of random scenarios (3 threads).
   *
   * @param model the test's sequential specification
   * @param share the fraction of the invocation budget this test runs per scenario (the window
   *     tests run a third, to keep the whole suite within its CI time: as many random scenarios,
   *     each explored less deeply)
   * @return options with the budget from system properties
   */
  protected static ModelCheckingOptions modelChecking(Class<? extends BreakerModel> model,
      double share) {
    return new ModelCheckingOptions()
        .sequentialSpecification(model)
        .iterations(Integer.getInteger("lincheck.iterations", 30))
        .invocationsPerIteration(scaled("lincheck.invocations", 1000, share))
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(2);
  }

  /**
   * Stress: random scenarios on real threads (2 threads: the machine has 2 cores).
   *
   * @param model the test's sequential specification
   * @param share the fraction of the invocation budget this test runs per scenario
   * @return options with the budget from system properties
   */
  protected static StressOptions stress(Class<? extends BreakerModel> model, double share) {
    return new StressOptions()
        .sequentialSpecification(model)
        .iterations(Integer.getInteger("lincheck.stress.iterations", 30))
        .invocationsPerIteration(scaled("lincheck.stress.invocations", 3000, share))
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(2);
  }

  private static int scaled(String property, int fallback, double share) {
    return Math.max(1, (int) Math.round(Integer.getInteger(property, fallback) * share));
  }
}
