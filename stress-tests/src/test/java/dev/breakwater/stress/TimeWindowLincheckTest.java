package dev.breakwater.stress;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a time-window breaker against {@link BreakerModel}: a 20 s window (ten 2 s
 * buckets), minimum 2 calls, threshold 1% (any failure opens the breaker once 2 calls are in the
 * window). Every scenario starts CLOSED right after a {@code reset()} that followed one failure
 * two steps earlier: the previous period's failing bucket is still in its slot and inside the
 * window's time span, so a verdict that summed other generations' buckets would open the breaker
 * on the new period's first outcome. The window is longer than any scenario's time (at most 15
 * steps of 1.01 s: no bucket leaves it) and any failure crosses the threshold, so the window's
 * documented approximations cannot change a state (see {@link BreakerLincheckBase}). Runs a
 * third of the invocation budget per scenario.
 */
public final class TimeWindowLincheckTest extends BreakerLincheckBase {
  private static final BreakerModel.Settings SETTINGS =
      BreakerModel.Settings.time(Duration.ofSeconds(20), 2, 1);

  /**
   * One failure in the first 2 s bucket, the clock two steps on (the next bucket), then reset:
   * CLOSED, the old period's failing bucket still in its slot and inside the window's span.
   */
  public TimeWindowLincheckTest() {
    super(SETTINGS);
    breaker.onFailure(breaker.tryAcquire());
    clock.now.addAndGet(2 * STEP);
    breaker.reset();
  }

  /** The specification, after the same set-up. */
  public static final class Model extends BreakerModel {
    /** One failure, two steps, reset. */
    public Model() {
      super(SETTINGS);
      report(admit(), 'F');
      advanceTime();
      advanceTime();
      reset();
    }
  }

  /** Model checking. */
  @Test
  public void modelCheckingTimeWindow() {
    modelChecking(Model.class, 1.0 / 3).check(getClass());
  }

  /** Stress. */
  @Test
  public void stressTimeWindow() {
    stress(Model.class, 1.0 / 3).check(getClass());
  }
}
