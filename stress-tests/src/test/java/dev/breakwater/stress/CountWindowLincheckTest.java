package dev.breakwater.stress;

import org.junit.jupiter.api.Test;

/**
 * Linearizability of a count-window breaker against {@link BreakerModel}: window of 16 calls,
 * minimum 2, threshold 1% (any failure opens the breaker once 2 calls are in the window). Every
 * scenario starts CLOSED right after a {@code reset()} that followed one failure, so the previous
 * period's window object is still in place: the scenario's first records must replace it, not add
 * to it, and the old failure must never count towards the new period's minimum. The window is
 * larger than any scenario's number of outcomes and any failure crosses the threshold, so the
 * window's documented approximations (lap order, totals lagging a record in flight) cannot change
 * a state (see {@link BreakerLincheckBase}): trips must happen exactly when the model's do, never
 * from an outcome of an older period (stale permits across trips, closes and resets), and OPEN,
 * HALF_OPEN and FORCED_OPEN must work as without a window. Runs a third of the invocation budget
 * per scenario.
 */
public final class CountWindowLincheckTest extends BreakerLincheckBase {
  private static final BreakerModel.Settings SETTINGS = BreakerModel.Settings.count(16, 2, 1);

  /** One failure, then reset: CLOSED, the old period still the window's. */
  public CountWindowLincheckTest() {
    super(SETTINGS);
    breaker.onFailure(breaker.tryAcquire());
    breaker.reset();
  }

  /** The specification, after the same set-up. */
  public static final class Model extends BreakerModel {
    /** One failure, then reset. */
    public Model() {
      super(SETTINGS);
      report(admit(), 'F');
      reset();
    }
  }

  /** Model checking. */
  @Test
  public void modelCheckingCountWindow() {
    modelChecking(Model.class, 1.0 / 3).check(getClass());
  }

  /** Stress. */
  @Test
  public void stressCountWindow() {
    stress(Model.class, 1.0 / 3).check(getClass());
  }
}
