package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerStats;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Two threads report outcomes on one breaker with statistics at once (three each, so the
 * counters are contended and the stripes are created mid-test): nothing is lost or counted twice.
 * A plain read-then-write counter loses updates here.
 *
 * <p>Result: (successful, failed, ignored, rejected).
 */
@JCStressTest
@Outcome(id = "3, 2, 1, 0", expect = ACCEPTABLE, desc = "every outcome counted once")
@Outcome(expect = FORBIDDEN, desc = "an outcome lost or counted twice")
@org.openjdk.jcstress.annotations.State
public class StatsCountTest {
  private final CircuitBreaker breaker = CircuitBreaker.of("stats",
      CircuitBreakerConfig.builder().failureThreshold(100).recordStats().build());

  /**
   * Two successes, one failure.
   *
   * @param r results
   */
  @Actor
  public void actor1(IIII_Result r) {
    breaker.onSuccess(breaker.tryAcquire());
    breaker.onFailure(breaker.tryAcquire());
    breaker.onSuccess(breaker.tryAcquire());
  }

  /**
   * One success, one failure, one ignored.
   *
   * @param r results
   */
  @Actor
  public void actor2(IIII_Result r) {
    breaker.onFailure(breaker.tryAcquire());
    breaker.onIgnored(breaker.tryAcquire());
    breaker.onSuccess(breaker.tryAcquire());
  }

  /**
   * The counts.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    CircuitBreakerStats s = breaker.stats();
    r.r1 = (int) s.successfulCalls();
    r.r2 = (int) s.failedCalls();
    r.r3 = (int) s.ignoredCalls();
    r.r4 = (int) s.rejectedCalls();
  }
}
