package dev.breakwater;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link Scheduler} driven by a {@link FakeTicker}: tasks run when {@link #advance} passes them. */
final class ManualScheduler implements Scheduler {
  private final FakeTicker ticker;
  private final List<long[]> due = new ArrayList<>(); // {time, index}
  private final List<Runnable> tasks = new ArrayList<>();
  private final List<Boolean> cancelled = new ArrayList<>();

  ManualScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    int i = tasks.size();
    tasks.add(task);
    cancelled.add(false);
    due.add(new long[] {ticker.now() + delayNanos, i});
    return () -> {
      synchronized (this) {
        cancelled.set(i, true);
      }
    };
  }

  /** Tasks scheduled and neither run nor cancelled. */
  synchronized int pending() {
    int n = 0;
    for (long[] d : due) {
      if (!cancelled.get((int) d[1])) {
        n++;
      }
    }
    return n;
  }

  /** Moves the clock by {@code d}, running every task that falls due, in time order. */
  void advance(Duration d) {
    long end = ticker.now() + d.toNanos();
    for (;;) {
      Runnable next = null;
      synchronized (this) {
        long[] best = null;
        for (long[] x : due) {
          if (!cancelled.get((int) x[1]) && x[0] <= end && (best == null || x[0] < best[0])) {
            best = x;
          }
        }
        if (best != null) {
          due.remove(best);
          if (best[0] > ticker.now()) {
            ticker.set(best[0]);
          }
          next = tasks.get((int) best[1]);
        }
      }
      if (next == null) {
        break;
      }
      next.run();
    }
    ticker.set(end);
  }
}
