package dev.breakwater;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A hand-moved, thread-safe ticker that counts how often it is read. */
final class FakeTicker implements Ticker {
  private final AtomicLong now;
  private final AtomicLong reads = new AtomicLong();

  FakeTicker() {
    this(1_000_000_000L);
  }

  FakeTicker(long start) {
    now = new AtomicLong(start);
  }

  @Override
  public long read() {
    reads.incrementAndGet();
    return now.get();
  }

  long now() {
    return now.get();
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  void advanceNanos(long nanos) {
    now.addAndGet(nanos);
  }

  void set(long nanos) {
    now.set(nanos);
  }

  long reads() {
    return reads.get();
  }
}
