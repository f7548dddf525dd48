package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.Bulkhead;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.Pipeline;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * An asynchronous pipeline, breaker &gt; bulkhead, whose only HALF_OPEN probe is in flight: actor
 * 1 completes the attempt's stage with a success while actor 2 cancels the future the pipeline
 * returned. Either the success is reported (the probe closes the breaker, {@code
 * successThreshold} 1) or the cancel is (the probe slot is freed uncounted, HALF_OPEN stays with
 * 0 in flight); never both, never neither. The bulkhead permit (limit 1) goes back exactly once
 * in both cases.
 *
 * <p>A cancel that does not release the breaker permit shows {@code 2, 2, 1, ..}: the period's
 * only slot held forever (until the hung-probe rule re-opens it, wrongly counted as a failure);
 * one that does not reach the bulkhead leaves its permit held ({@code 2, 2, 0, 1, 0}). Reporting both
 * the cancel and the success would free the slot twice or close a period whose probe was
 * cancelled.
 *
 * <p>Result: (who won: 1 the value, 2 the cancel, 0 neither/both; state ordinal; probes in
 * flight; bulkhead {@code runningCalls()}; a fresh {@code bulkhead.tryAcquire()} after both).
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0, 1", expect = ACCEPTABLE, desc = "the success won: CLOSED, every permit back")
@Outcome(id = "2, 2, 0, 0, 1", expect = ACCEPTABLE, desc = "the cancel won: HALF_OPEN with the slot free, every permit back")
@Outcome(id = {"2, 2, 1, 0, 1", "2, 2, 1, 1, 0"}, expect = FORBIDDEN, desc = "the cancel kept the probe slot")
@Outcome(id = "2, 2, 0, 1, 0", expect = FORBIDDEN, desc = "the cancel did not reach the bulkhead: its permit leaked")
@Outcome(expect = FORBIDDEN, desc = "a permit held, or both or neither outcome reported")
@org.openjdk.jcstress.annotations.State
public class PipelineAsyncCancelTest {
  static {
    Fixtures.silenceBreakerLog();
  }

  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = CircuitBreaker.of("async", CircuitBreakerConfig.builder()
      .failureThreshold(1).successThreshold(1).halfOpenMaxCalls(1)
      .openTimeout(Fixtures.OPEN_TIMEOUT).ticker(ticker).build());
  private final Bulkhead bulkhead = Bulkhead.of("async", 1);
  private final CompletableFuture<String> attempt = new CompletableFuture<>();
  private final CompletableFuture<String> outer;

  /** Trips the breaker; the pipeline call after the open timeout is the only probe. */
  public PipelineAsyncCancelTest() {
    Fixtures.trip(breaker);
    ticker.advance(Fixtures.PAST_TIMEOUT);
    Pipeline<String> pipeline = Pipeline.<String>builder().breaker(breaker).bulkhead(bulkhead)
        .build();
    outer = pipeline.callAsync(() -> attempt);
    if (breaker.probesInFlight() != 1 || bulkhead.runningCalls() != 1) {
      throw new IllegalStateException("setup expected the probe in flight: " + breaker);
    }
  }

  /**
   * The attempt succeeds.
   *
   * @param r results
   */
  @Actor
  public void complete(IIIII_Result r) {
    attempt.complete("ok");
  }

  /**
   * The caller cancels.
   *
   * @param r results
   */
  @Actor
  public void cancel(IIIII_Result r) {
    outer.cancel(true);
  }

  /**
   * What was reported, and what is still held.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIII_Result r) {
    boolean value = outer.isDone() && !outer.isCompletedExceptionally()
        && "ok".equals(outer.getNow(null));
    boolean cancelled = outer.isCancelled();
    r.r1 = value == cancelled ? 0 : value ? 1 : 2;
    r.r2 = breaker.state().ordinal();
    r.r3 = breaker.probesInFlight();
    r.r4 = bulkhead.runningCalls();
    r.r5 = bulkhead.tryAcquire() ? 1 : 0;
  }
}
