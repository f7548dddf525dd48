package dev.breakwater.stress;

import dev.breakwater.CircuitBreaker;
import org.junit.jupiter.api.Test;

/**
 * Linearizability from a HALF_OPEN breaker with both probe slots free ({@code halfOpenMaxCalls =
 * 2}, {@code successThreshold = 2}, {@code failureThreshold = 2}): every scenario starts where
 * the slot accounting, probe successes closing, probe failures re-opening, stale permits and
 * hung-probe re-opens all race. Built through the public API (trip, let the timeout pass, admit a
 * probe, release it uncounted). Operations and limits: {@link BreakerLincheckBase}.
 */
public final class HalfOpenStartLincheckTest extends BreakerLincheckBase {

  /** HALF_OPEN, no probe in flight, no success yet. */
  public HalfOpenStartLincheckTest() {
    super(2);
    breaker.onFailure(breaker.tryAcquire());
    breaker.onFailure(breaker.tryAcquire());
    clock.now.addAndGet(STEP);
    breaker.onIgnored(breaker.tryAcquire());
    if (breaker.state() != CircuitBreaker.State.HALF_OPEN || breaker.probesInFlight() != 0) {
      throw new IllegalStateException("setup did not reach HALF_OPEN with free slots: " + breaker);
    }
  }

  /** Model checking. */
  @Test
  public void modelCheckingFromHalfOpen() {
    modelChecking().check(getClass());
  }

  /** Stress. */
  @Test
  public void stressFromHalfOpen() {
    stress().check(getClass());
  }
}
