package dev.breakwater.micrometer;

import java.lang.System.Logger.Level;
import java.util.function.ToDoubleFunction;

/**
 * A meter function that cannot break a scrape: an exception it throws (from a user's
 * {@code LatencyRecorder}, say) is logged and read as NaN. The first failure of each meter is
 * logged at {@code WARNING}, later ones at {@code DEBUG}, so a broken recorder does not flood the
 * log at every scrape.
 */
final class SafeFunction<T> implements ToDoubleFunction<T> {
  private final String meter;
  private final ToDoubleFunction<T> delegate;
  /** Racy on purpose: at worst a second WARNING. */
  private boolean warned;

  private SafeFunction(String meter, ToDoubleFunction<T> delegate) {
    this.meter = meter;
    this.delegate = delegate;
  }

  static <T> ToDoubleFunction<T> of(String meter, ToDoubleFunction<T> delegate) {
    return new SafeFunction<>(meter, delegate);
  }

  @Override
  public double applyAsDouble(T value) {
    try {
      return delegate.applyAsDouble(value);
    } catch (RuntimeException e) {
      Level level = warned ? Level.DEBUG : Level.WARNING;
      warned = true;
      Binding.LOG.log(level, "meter " + meter + " failed; reads NaN", e);
      return Double.NaN;
    }
  }
}
