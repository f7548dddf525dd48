package dev.breakwater.stress;

import dev.breakwater.Ticker;
import java.time.Duration;

/**
 * A ticker moved by hand, so a test decides exactly when an open timeout has passed.
 *
 * <p>The value is a volatile field: a test moves it in the state's constructor (before any actor
 * runs, published by jcstress together with the state object) or from the one actor that also
 * reads it; either way every read sees the latest move.
 */
public final class ManualTicker implements Ticker {
  /** An arbitrary origin far from zero and from overflow. */
  public static final long START = 1_000_000_000_000L;

  private volatile long now = START;

  @Override
  public long read() {
    return now;
  }

  /**
   * Moves time forward.
   *
   * @param d how far
   */
  public void advance(Duration d) {
    now = now + d.toNanos(); // single writer at any time (see the class comment)
  }
}
