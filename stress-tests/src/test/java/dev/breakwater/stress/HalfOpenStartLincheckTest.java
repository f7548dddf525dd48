package dev.breakwater.stress;

import dev.breakwater.CircuitBreaker;
import org.junit.jupiter.api.Test;

/**
 * Linearizability from a HALF_OPEN breaker with both probe slots free ({@code halfOpenMaxCalls =
 * 2}, {@code successThreshold = 2}, {@code failureThreshold = 2}): every scenario starts where
 * the slot accounting, probe successes closing, probe failures re-opening, stale permits and
 * hung-probe re-opens all race. Built through the public API (trip, let the timeout pass, admit a
 * probe, release it uncounted); the {@link BreakerModel} replays the same set-up through its own
 * rules. Operations and limits: {@link BreakerLincheckBase}.
 */
public final class HalfOpenStartLincheckTest extends BreakerLincheckBase {
  private static final BreakerModel.Settings SETTINGS = BreakerModel.Settings.consecutive(2);

  /** HALF_OPEN, no probe in flight, no success yet. */
  public HalfOpenStartLincheckTest() {
    super(SETTINGS);
    breaker.onFailure(breaker.tryAcquire());
    breaker.onFailure(breaker.tryAcquire());
    clock.now.addAndGet(STEP);
    breaker.onIgnored(breaker.tryAcquire());
    if (breaker.state() != CircuitBreaker.State.HALF_OPEN || breaker.probesInFlight() != 0) {
      throw new IllegalStateException("setup did not reach HALF_OPEN with free slots: " + breaker);
    }
  }

  /** The specification, after the same set-up. */
  public static final class Model extends BreakerModel {
    /** HALF_OPEN, no probe in flight, no success yet. */
    public Model() {
      super(SETTINGS);
      report(admit(), 'F');
      report(admit(), 'F');
      advanceTime();
      report(admit(), 'I');
      if (state() != CircuitBreaker.State.HALF_OPEN || probesInFlight() != 0) {
        throw new IllegalStateException("model setup did not reach HALF_OPEN with free slots");
      }
    }
  }

  /** Model checking. */
  @Test
  public void modelCheckingFromHalfOpen() {
    modelChecking(Model.class, 1.0).check(getClass());
  }

  /** Stress. */
  @Test
  public void stressFromHalfOpen() {
    stress(Model.class, 1.0).check(getClass());
  }
}
