package dev.breakwater;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay without blocking the caller: asynchronous retries wait on it,
 * timeouts fire from it, health checks are started by it. Tests plug in a manual one driven by a
 * fake clock.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once, {@code delayNanos} from now, on a thread of the scheduler's choice.
   * The task must be short (it completes a stage or submits work elsewhere).
   *
   * @param task what to run
   * @param delayNanos how long to wait first, {@code >= 0}
   * @return a handle whose {@link Cancellable#cancel()} drops the task if it has not run yet
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** A scheduled task that can still be dropped. */
  @FunctionalInterface
  interface Cancellable {
    /** Drops the task if it has not started; does nothing otherwise. */
    void cancel();
  }

  /**
   * The JVM-wide default: one daemon thread ({@code breakwater-scheduler}) that only runs these
   * short tasks; cancelled tasks are removed at once, so a long timeout that did not fire holds
   * no memory.
   *
   * @return the shared scheduler
   */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }
}

/** {@link Scheduler#system()}. */
enum SystemScheduler implements Scheduler {
  INSTANCE;

  private final ScheduledThreadPoolExecutor executor = newExecutor();

  private static ScheduledThreadPoolExecutor newExecutor() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "breakwater-scheduler");
      t.setDaemon(true);
      return t;
    });
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }
}
