package dev.breakwater;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The failure-rate policy of a breaker: records the outcomes of CLOSED-state calls and says when
 * their rates call for opening. The breaker owns the decision itself: it opens with a single CAS
 * on its word, from the exact CLOSED generation the outcome was admitted in.
 *
 * <h2>Periods</h2>
 * A window keeps the outcomes of one CLOSED period at a time, in a {@link Period} object that the
 * window's {@code current} field points to. A period is <em>live</em> while its CLOSED generation
 * lasts and <em>finished</em> once the breaker has left it. The first outcome recorded in a new
 * CLOSED period installs a fresh period by CAS (one allocation per CLOSED period, none per call),
 * so outcomes of an earlier period are never counted in a later one: a recorder that is late
 * writes into an object that is no longer reachable from the window.
 *
 * <p><b>Staleness is decided by the breaker's word, never by a generation distance.</b> A recorder
 * whose generation does not match the current period's asks the breaker whether its generation
 * is still the CLOSED one ({@link CircuitBreaker#isRecordingIn(int)}), <em>after</em> reading the
 * current period. If it is, the current period is older (a newer one is installed only by a
 * recorder that saw the word in a later generation, before it installed it, so this read would
 * see that later word too), and the recorder installs its own; if it is not, the recorder is
 * late and its outcome is dropped. Nothing depends on how far apart two 16-bit generations are,
 * so a window never goes blind however many transitions or resets happen while nobody records
 * (the only limit left is the breaker's own: a call held in flight across exactly a multiple of
 * 65,536 state changes).
 *
 * <p>When the breaker leaves CLOSED generation {@code g}, the thread that made that transition
 * calls {@link #finish}: it marks the period of {@code g} finished (so a later CLOSED period that
 * reuses the same 16-bit generation after 65,536 changes starts fresh, and outcomes still in
 * flight no longer count), or, if nobody recorded in {@code g}, installs an empty finished period
 * for it, so that {@code metrics()} while OPEN or FORCED_OPEN shows the CLOSED period that was
 * just left, not an older one.
 */
abstract class SlidingWindow {
  private static final VarHandle CURRENT;

  static {
    try {
      CURRENT = MethodHandles.lookup().findVarHandle(SlidingWindow.class, "current", Period.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The generation a finished period reports: no permit (in [0, 65535]) ever matches it. */
  static final int FINISHED = -1;

  // The thresholds: changed only by retune() (a reconfiguration), each on its own; volatile so
  // that the change is seen by the next verdict (a plain load on x86). A verdict that races a
  // reconfiguration may combine old and new thresholds, each of them a valid one.
  volatile int minimumCalls;
  volatile int failurePercent;
  /** 0 when slow calls are not detected. */
  volatile int slowPercent;
  /** The latest CLOSED period; never null. */
  @SuppressWarnings("unused") // accessed through CURRENT
  private volatile Period current;

  SlidingWindow(CircuitBreakerConfig c) {
    retune(c);
  }

  /** Takes {@code c}'s thresholds (minimum calls, failure and slow-call rates). */
  final void retune(CircuitBreakerConfig c) {
    this.minimumCalls = c.minimumNumberOfCalls();
    this.failurePercent = c.failureRateThreshold();
    this.slowPercent = c.slowCallDurationThreshold() == null ? 0 : c.slowCallRateThreshold();
  }

  /**
   * Whether this window has the shape {@code c} asks for (type, and size or bucket length), so
   * that its counts can serve {@code c} after a reconfiguration.
   */
  abstract boolean hasShapeOf(CircuitBreakerConfig c);

  /** Installs the period of the breaker's first CLOSED generation; called once by subclasses. */
  final void start(Period first) {
    CURRENT.setRelease(this, first);
  }

  /**
   * The window of one CLOSED period. Subclasses add the counts. Its identity names the period:
   * time buckets point to it, and a period is never reused for another one.
   */
  static class Period {
    private static final VarHandle GENERATION;

    static {
      try {
        GENERATION = MethodHandles.lookup().findVarHandle(Period.class, "generation", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The CLOSED generation while live; {@link #FINISHED} once the breaker left it. */
    @SuppressWarnings("unused") // accessed through GENERATION
    private volatile int generation;

    Period(int generation) {
      this.generation = generation;
    }

    /** The generation of a live period, {@link #FINISHED} for a finished one. */
    final int generation() {
      return (int) GENERATION.getAcquire(this);
    }

    final void markFinished() {
      GENERATION.setRelease(this, FINISHED);
    }
  }

  /** A fresh, empty period for {@code generation} ({@link #FINISHED} for an empty finished one). */
  abstract Period newPeriod(int generation);

  /** The latest CLOSED period, live or finished. */
  final Period current() {
    return (Period) CURRENT.getAcquire(this);
  }

  /**
   * The live period of {@code generation}, installing a fresh one if the window still holds an
   * older period; {@code null} if the recorder is late (the breaker has left {@code generation}).
   */
  final Period period(CircuitBreaker breaker, int generation) {
    for (;;) {
      Period p = current();
      if (p.generation() == generation) {
        return p;
      }
      // p is another period's, or finished. Ask the word (read after p: see the class comment).
      if (!breaker.isRecordingIn(generation)) {
        return null;
      }
      // CAS so that exactly one fresh period is installed per CLOSED period; a loser re-reads
      // and uses the winner's period. Terminates: each failure is another thread's install.
      Period fresh = newPeriod(generation);
      if (CURRENT.compareAndSet(this, p, fresh)) {
        return fresh;
      }
    }
  }

  /**
   * Called once by the thread whose CAS took the breaker out of CLOSED generation
   * {@code closedGeneration} into a word of generation {@code nextGeneration}: finishes that
   * period, or installs an empty finished one if nobody recorded in it. Does nothing if the
   * breaker has already moved past {@code nextGeneration} (a newer period is then responsible).
   */
  final void finish(CircuitBreaker breaker, int closedGeneration, int nextGeneration) {
    for (;;) {
      Period p = current();
      int g = p.generation();
      if (g == closedGeneration) {
        p.markFinished(); // idempotent; only the leaving thread writes it
        return;
      }
      // Nobody recorded in the period just left (p is older, or finished). Install an empty
      // finished one only while the word is still the one this thread made: a later CLOSED
      // period may already have installed its own. Read after p, as in period().
      if (!breaker.isInGeneration(nextGeneration)) {
        return;
      }
      if (CURRENT.compareAndSet(this, p, newPeriod(FINISHED))) {
        return;
      }
      // a recorder of closedGeneration installed its period meanwhile: mark that one
    }
  }

  /**
   * Records one outcome of a call admitted in CLOSED generation {@code generation}.
   *
   * @param breaker the breaker, asked whether {@code generation} is still current when the
   *     window has to decide between an older period and a late outcome
   * @param generation the generation of the call's permit; the caller checked it was current
   * @param outcome {@link WindowTotals#PRESENT} plus FAILED and SLOW bits
   * @param now a ticker reading, for time-based windows
   * @return whether the window's totals now call for opening
   */
  abstract boolean record(CircuitBreaker breaker, int generation, int outcome, long now);

  /** Whether {@link #record} needs {@code now}. */
  abstract boolean needsClock();

  /**
   * A snapshot of the window as of {@code now}: the calls of CLOSED generation
   * {@code generation} (none if nothing was recorded in it yet), or, for {@code generation < 0},
   * those of the latest CLOSED period, frozen (the window that opened the breaker, while it is
   * not CLOSED).
   */
  abstract WindowMetrics metrics(int generation, long now);

  abstract SlidingWindowType type();
}
