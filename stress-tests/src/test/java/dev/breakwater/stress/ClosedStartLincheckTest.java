package dev.breakwater.stress;

import org.junit.jupiter.api.Test;

/**
 * Linearizability from a fresh CLOSED breaker with {@code failureThreshold = 1}: one failure
 * trips it, so scenarios quickly cover trips, OPEN rejections, the OPEN -> HALF_OPEN race (after
 * an {@code advanceTime}), reset and forceOpen. Operations and limits: {@link BreakerLincheckBase};
 * the sequential specification: {@link BreakerModel}.
 */
public final class ClosedStartLincheckTest extends BreakerLincheckBase {
  private static final BreakerModel.Settings SETTINGS = BreakerModel.Settings.consecutive(1);

  /** A CLOSED breaker that opens on the first failure. */
  public ClosedStartLincheckTest() {
    super(SETTINGS);
  }

  /** The specification, in the same state. */
  public static final class Model extends BreakerModel {
    /** CLOSED. */
    public Model() {
      super(SETTINGS);
    }
  }

  /** Model checking. */
  @Test
  public void modelCheckingFromClosed() {
    modelChecking(Model.class, 1.0).check(getClass());
  }

  /** Stress. */
  @Test
  public void stressFromClosed() {
    stress(Model.class, 1.0).check(getClass());
  }
}
