package dev.breakwater;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Ticker} whose value a background thread refreshes from {@link System#nanoTime()} at a
 * fixed resolution, so that reading it is one volatile read (about a nanosecond) instead of a
 * {@code nanoTime()} call (tens of nanoseconds on many virtual machines). The idea is Agrona's
 * {@code CachedNanoClock}, used by trading systems for the same reason.
 *
 * <p>Get one with {@link Ticker#cached()} (1 ms resolution, one instance shared by every breaker
 * that asks for it) or {@link Ticker#cached(Duration)}, and pass it to
 * {@link CircuitBreakerConfig.Builder#ticker(Ticker)}. It pays off on the paths that read the
 * clock once per call: rejection while OPEN or HALF_OPEN, and every outcome of a time-based
 * window; the CLOSED path of a consecutive-failure or count-window breaker reads no clock at all.
 *
 * <h2>The trade</h2>
 * A reading lags the true time by up to one resolution step, plus however late the refresher
 * thread is scheduled (a loaded machine can delay it further). A duration measured as the
 * difference of two readings is therefore off by up to that much either way: an open timeout,
 * a forced-open duration or a hung-probe limit may end up to one step early or late, a time
 * window's bucket boundaries move by as much, and calls shorter than a step may be timed as 0
 * (slow-call detection needs a threshold well above the resolution). Time never goes backwards.
 *
 * <h2>The thread</h2>
 * One daemon thread, named {@code breakwater-ticker}, refreshes every cached ticker of the JVM,
 * at the finest resolution among them. It starts when the first cached ticker is created and
 * stops by itself once no cached ticker is reachable any more (it holds them only weakly): a JVM
 * whose breakers use the default ticker never starts it. Registration and the start and stop of
 * the thread are lock-free.
 */
public final class CachedTicker implements Ticker {
  private static final VarHandle NOW;

  static {
    try {
      NOW = MethodHandles.lookup().findVarHandle(CachedTicker.class, "now", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The default resolution of {@link Ticker#cached()}. */
  public static final Duration DEFAULT_RESOLUTION = Duration.ofMillis(1);
  /** The finest resolution accepted. */
  public static final Duration MIN_RESOLUTION = Duration.ofNanos(10_000);
  /** The coarsest resolution accepted. */
  public static final Duration MAX_RESOLUTION = Duration.ofSeconds(1);

  /** The JVM-wide instance at the default resolution, held weakly so that it can be dropped. */
  private static volatile WeakReference<CachedTicker> shared = new WeakReference<>(null);

  private final long resolutionNanos;
  /** The latest reading; written by the refresher (release), read by callers (acquire). */
  @SuppressWarnings("unused") // accessed through NOW
  private volatile long now;

  private CachedTicker(long resolutionNanos) {
    this.resolutionNanos = resolutionNanos;
    this.now = System.nanoTime();
  }

  /** {@link Ticker#cached()}: the shared default instance, created if none is reachable. */
  static CachedTicker shared() {
    CachedTicker t = shared.get();
    if (t != null) {
      return t;
    }
    // Two threads may both create one here; the later write wins and the other instance is used
    // only by whoever got it (it works the same, refreshed by the same thread).
    t = create(DEFAULT_RESOLUTION);
    shared = new WeakReference<>(t);
    return t;
  }

  /** {@link Ticker#cached(Duration)}: a new instance, refreshed by the shared thread. */
  static CachedTicker create(Duration resolution) {
    java.util.Objects.requireNonNull(resolution, "resolution must not be null");
    if (resolution.compareTo(MIN_RESOLUTION) < 0 || resolution.compareTo(MAX_RESOLUTION) > 0) {
      throw new IllegalArgumentException("resolution must be in [" + MIN_RESOLUTION + ", "
          + MAX_RESOLUTION + "]: " + resolution);
    }
    CachedTicker t = new CachedTicker(resolution.toNanos());
    Refresher.register(t);
    return t;
  }

  /**
   * The latest refreshed reading of {@link System#nanoTime()}: at most one resolution step (plus
   * the refresher's scheduling delay) behind it, never ahead, never decreasing.
   *
   * @return the cached time in nanoseconds
   */
  @Override
  public long read() {
    return (long) NOW.getAcquire(this);
  }

  /**
   * How often this ticker is refreshed (at least; the shared thread may refresh it more often).
   *
   * @return the resolution
   */
  public Duration resolution() {
    return Duration.ofNanos(resolutionNanos);
  }

  @Override
  public String toString() {
    return "CachedTicker[" + resolution() + "]";
  }

  /** Refreshes every registered ticker; one instance of its thread runs at a time. */
  static final class Refresher implements Runnable {
    private static final ConcurrentLinkedQueue<WeakReference<CachedTicker>> TICKERS =
        new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean();

    private Refresher() {}

    static void register(CachedTicker t) {
      TICKERS.add(new WeakReference<>(t));
      // Start a thread unless one is running. A running thread that is about to stop re-checks
      // the queue after clearing RUNNING (see run()), so a registration is never left without one.
      if (RUNNING.compareAndSet(false, true)) {
        start();
      }
    }

    private static void start() {
      Thread thread = new Thread(new Refresher(), "breakwater-ticker");
      thread.setDaemon(true);
      thread.start();
    }

    /** Whether a refresher thread is running; for tests. */
    static boolean isRunning() {
      return RUNNING.get();
    }

    @Override
    public void run() {
      for (;;) {
        long step = refreshAll();
        if (step < 0) {
          // No ticker is reachable: stop. Clear the flag first, then look again, so that a
          // ticker registered meanwhile either sees the flag clear (and starts a new thread) or
          // is seen here (and this thread takes the flag back and goes on).
          RUNNING.set(false);
          if (TICKERS.isEmpty() || !RUNNING.compareAndSet(false, true)) {
            return;
          }
          continue;
        }
        LockSupport.parkNanos(step);
      }
    }

    /**
     * Writes the current time into every live ticker and drops the collected ones; returns the
     * finest resolution among them, or -1 if none is left.
     */
    private static long refreshAll() {
      long step = Long.MAX_VALUE;
      boolean any = false;
      long time = System.nanoTime();
      for (Iterator<WeakReference<CachedTicker>> it = TICKERS.iterator(); it.hasNext(); ) {
        CachedTicker t = it.next().get();
        if (t == null) {
          it.remove();
          continue;
        }
        any = true;
        // Release: a reader that sees this value sees nothing older afterwards. Only this thread
        // writes, and nanoTime() does not go backwards, so readings never decrease.
        NOW.setRelease(t, time);
        step = Math.min(step, t.resolutionNanos);
      }
      return any ? step : -1;
    }
  }
}
