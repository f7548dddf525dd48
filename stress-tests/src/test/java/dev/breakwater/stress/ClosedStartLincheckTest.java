package dev.breakwater.stress;

import org.junit.jupiter.api.Test;

/**
 * Linearizability from a fresh CLOSED breaker with {@code failureThreshold = 1}: one failure
 * trips it, so scenarios quickly cover trips, OPEN rejections, the OPEN -> HALF_OPEN race (after
 * an {@code advanceTime}), reset and forceOpen. Operations and limits: {@link BreakerLincheckBase}.
 */
public final class ClosedStartLincheckTest extends BreakerLincheckBase {

  /** A CLOSED breaker that opens on the first failure. */
  public ClosedStartLincheckTest() {
    super(1);
  }

  /** Model checking. */
  @Test
  public void modelCheckingFromClosed() {
    modelChecking().check(getClass());
  }

  /** Stress. */
  @Test
  public void stressFromClosed() {
    stress().check(getClass());
  }
}
