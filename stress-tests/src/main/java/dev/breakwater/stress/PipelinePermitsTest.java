package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.Bulkhead;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerStats;
import dev.breakwater.Fallback;
import dev.breakwater.Pipeline;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIIIIII_Result;

/**
 * Two synchronous calls through one pipeline, fallback &gt; breaker &gt; bulkhead, at once: one
 * throws, one succeeds, and both give back their breaker and bulkhead permits. The breaker is
 * HALF_OPEN with two free probe slots ({@code halfOpenMaxCalls} 2, {@code successThreshold} 3, so
 * neither call can end the period) and the bulkhead has limit 2, so both calls are admitted
 * everywhere in every interleaving. Actor 1's call throws an exception the breaker ignores
 * ({@code ignoreExceptions}: its probe slot is freed without a verdict, so the HALF_OPEN period
 * survives and its slot count stays observable); the fallback answers it. Actor 2's call returns
 * {@code "ok"}: one probe success.
 *
 * <p>Afterwards, in every interleaving: both answers as described, no bulkhead permit held, the
 * breaker HALF_OPEN with 0 probes in flight and 1 success, and the statistics count this
 * period's 1 successful and 1 ignored call on top of the set-up's (1 failed, 1 ignored). A
 * permit not given back on the throwing path shows as a probe or bulkhead permit still held; a
 * slot freed by read-then-write instead of CAS loses the success's concurrent update
 * ({@code .., 1, 0} or {@code .., 0, 0}); a bulkhead counter that loses an update makes a
 * {@code release()} throw, which the breaker counts as a failure (re-open) and the fallback
 * answers instead of actor 2's result.
 *
 * <p>Result: (actor 1 answered by the fallback, actor 2 got "ok", bulkhead {@code runningCalls()},
 * state ordinal, probes in flight, successes in the period, statistics as
 * {@code successful * 100 + failed * 10 + ignored}).
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 2, 0, 1, 112", expect = ACCEPTABLE, desc = "every permit back; one success, one ignored call counted")
@Outcome(expect = FORBIDDEN, desc = "a permit held, a lost update, or a wrong answer or count")
@org.openjdk.jcstress.annotations.State
public class PipelinePermitsTest {
  static {
    Fixtures.silenceBreakerLog();
  }

  private static final String FALLBACK = "fallback";

  private final ManualTicker ticker = new ManualTicker();
  private final CircuitBreaker breaker = CircuitBreaker.of("pipeline", CircuitBreakerConfig.builder()
      .failureThreshold(1).successThreshold(3).halfOpenMaxCalls(2)
      .openTimeout(Fixtures.OPEN_TIMEOUT).ignoreExceptions(IllegalArgumentException.class)
      .recordStats().ticker(ticker).build());
  private final Bulkhead bulkhead = Bulkhead.of("pipeline", 2);
  private final Pipeline<String> pipeline = Pipeline.<String>builder()
      .fallback(Fallback.value(FALLBACK)).breaker(breaker).bulkhead(bulkhead).build();

  /** Trips the breaker, enters HALF_OPEN and frees the entering probe's slot. */
  public PipelinePermitsTest() {
    Fixtures.trip(breaker);
    ticker.advance(Fixtures.PAST_TIMEOUT);
    breaker.onIgnored(Fixtures.admitted(breaker));
    Fixtures.expectState(breaker, CircuitBreaker.State.HALF_OPEN);
  }

  /**
   * A call that throws an ignored exception; the fallback answers.
   *
   * @param r results
   */
  @Actor
  public void failing(IIIIIII_Result r) {
    r.r1 = answer(() -> {
      throw new IllegalArgumentException("ignored by the breaker");
    }, FALLBACK);
  }

  /**
   * A call that succeeds.
   *
   * @param r results
   */
  @Actor
  public void succeeding(IIIIIII_Result r) {
    r.r2 = answer(() -> "ok", "ok");
  }

  private int answer(java.util.concurrent.Callable<String> call, String expected) {
    try {
      return expected.equals(pipeline.call(call)) ? 1 : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * What the two calls left behind.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIIIIII_Result r) {
    r.r3 = bulkhead.runningCalls();
    r.r4 = breaker.state().ordinal();
    r.r5 = breaker.probesInFlight();
    r.r6 = breaker.successCount();
    CircuitBreakerStats s = breaker.stats();
    r.r7 = (int) (s.successfulCalls() * 100 + s.failedCalls() * 10 + s.ignoredCalls());
  }
}
