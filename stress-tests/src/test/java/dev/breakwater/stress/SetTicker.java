package dev.breakwater.stress;

import dev.breakwater.Ticker;
import java.time.Duration;

/** A ticker set and moved by hand, from one thread, to any value (including across the wrap). */
final class SetTicker implements Ticker {
  private volatile long now;

  SetTicker(long start) {
    now = start;
  }

  @Override
  public long read() {
    return now;
  }

  /** Moves time by {@code d}; wraps like {@code System.nanoTime()} differences do. */
  void advance(Duration d) {
    now = now + d.toNanos();
  }
}
