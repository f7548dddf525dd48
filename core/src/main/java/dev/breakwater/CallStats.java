package dev.breakwater;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A breaker's call statistics: six counters striped like {@link java.util.concurrent.atomic.LongAdder}
 * (one object, not six adders, to keep a breaker with statistics small), plus the transition
 * count and the time of the last transition.
 *
 * <h2>Algorithm</h2>
 * While no two threads have collided, every count is one CAS on a {@code long} in the base array
 * (uncontended, so the CAS succeeds the first time). The first failed CAS on the base means two
 * threads update this breaker at once: the stats then allocate a table of cells, each a
 * {@code long[]} whose counters sit in the middle of {@value #CELL_LONGS} longs (at least 64
 * bytes from any other cell's counters, so two cells never share a cache line), and each thread
 * adds to the cell picked by its probe. A thread whose CAS on a cell fails moves its probe (a
 * per-thread xorshift, {@link Probe}) and, while the table is smaller than
 * {@link #MAX_CELLS}, doubles it. So threads that keep calling the same breaker end up on cells of
 * their own, and no counter update ever waits: a failed CAS means another thread's succeeded.
 * Reads sum the base and the cells; a sum taken while counts are being added may miss those
 * adds, but never counts one twice (each add lands in exactly one place, once).
 *
 * <p>Growth is guarded by a {@code busy} flag taken by CAS; a thread that finds it taken does
 * not wait, it retries its add elsewhere. Footprint at rest: one object with a 48-byte base
 * array; the cells (152 bytes each) exist only for breakers that saw contention.
 */
final class CallStats {
  static final int SUCCESSFUL = 0;
  static final int FAILED = 1;
  static final int IGNORED = 2;
  static final int REJECTED = 3;
  /** Nanoseconds of timed calls, and their number. */
  static final int LATENCY_NANOS = 4;
  static final int TIMED = 5;
  static final int COUNTERS = 6;

  /** Longs per cell; counters at [PAD, PAD + COUNTERS). */
  static final int CELL_LONGS = 8 + COUNTERS + 8;
  private static final int PAD = 8;
  static final int MAX_CELLS = Math.max(4,
      Integer.highestOneBit(Runtime.getRuntime().availableProcessors() - 1) << 2);

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle CELLS;
  private static final VarHandle BUSY;
  private static final VarHandle TRANSITIONS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CELLS = lookup.findVarHandle(CallStats.class, "cells", long[][].class);
      BUSY = lookup.findVarHandle(CallStats.class, "busy", int.class);
      TRANSITIONS = lookup.findVarHandle(CallStats.class, "transitions", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long[] base = new long[COUNTERS];
  @SuppressWarnings("unused") // accessed through CELLS
  private volatile long[][] cells;
  @SuppressWarnings("unused") // accessed through BUSY
  private volatile int busy;
  @SuppressWarnings("unused") // accessed through TRANSITIONS
  private volatile long transitions;
  /** Ticker reading at the last transition; meaningful once {@code transitions > 0}. */
  private volatile long lastTransition;
  /**
   * A recorder of the user's to send latencies to, instead of {@link #LATENCY_NANOS}; or null.
   * Replaced only by a reconfiguration (see {@link Reconfiguration}).
   */
  volatile LatencyRecorder latency;
  /** The factory {@link #latency} came from (null: the built-in counters). */
  volatile LatencyRecorder.Factory latencyFactory;

  CallStats(LatencyRecorder latency, LatencyRecorder.Factory latencyFactory) {
    this.latency = latency;
    this.latencyFactory = latencyFactory;
  }

  /** Adds one to {@code counter}. */
  void increment(int counter) {
    add(counter, 1);
  }

  /** Adds one timed call of {@code nanos}, here or to the user's recorder. */
  void addLatency(long nanos) {
    LatencyRecorder r = latency;
    if (r != null) {
      try {
        r.record(nanos);
      } catch (Throwable recorderFailure) {
        // documented: dropped; the breaker and the call are not affected
      }
      return;
    }
    add(LATENCY_NANOS, nanos);
    add(TIMED, 1);
  }

  long latencyNanos() {
    LatencyRecorder r = latency;
    return r == null ? sum(LATENCY_NANOS) : safely(r, true);
  }

  long timedCalls() {
    LatencyRecorder r = latency;
    return r == null ? sum(TIMED) : safely(r, false);
  }

  private static long safely(LatencyRecorder r, boolean total) {
    try {
      return total ? r.totalNanos() : r.count();
    } catch (RuntimeException recorderFailure) {
      return 0;
    }
  }

  void add(int counter, long x) {
    long[][] cs = (long[][]) CELLS.getAcquire(this);
    if (cs == null) {
      // Uncontended: one CAS on the base. Failure means another thread is updating this
      // breaker's stats right now: stripe from here on.
      long b = (long) LONGS.getVolatile(base, counter);
      if (LONGS.compareAndSet(base, counter, b, b + x)) {
        return;
      }
    }
    addContended(counter, x);
  }

  private void addContended(int counter, long x) {
    int probe = Probe.get();
    for (;;) {
      long[][] cs = (long[][]) CELLS.getAcquire(this);
      if (cs == null) {
        if (BUSY.compareAndSet(this, 0, 1)) {
          try {
            if (cells == null) {
              CELLS.setRelease(this, newCells(2, null));
            }
          } finally {
            BUSY.setRelease(this, 0);
          }
        } else {
          // someone else is creating the table: fall back to the base for this add
          long b = (long) LONGS.getVolatile(base, counter);
          if (LONGS.compareAndSet(base, counter, b, b + x)) {
            return;
          }
        }
        continue;
      }
      long[] cell = cs[probe & (cs.length - 1)];
      int i = PAD + counter;
      long v = (long) LONGS.getVolatile(cell, i);
      if (LONGS.compareAndSet(cell, i, v, v + x)) {
        return;
      }
      // Collision with another thread on this cell: move this thread elsewhere, and grow the
      // table while it is small. Each retry follows another thread's successful CAS.
      probe = Probe.advance();
      if (cs.length < MAX_CELLS && BUSY.compareAndSet(this, 0, 1)) {
        try {
          if (cells == cs) {
            CELLS.setRelease(this, newCells(cs.length << 1, cs));
          }
        } finally {
          BUSY.setRelease(this, 0);
        }
      }
    }
  }

  private static long[][] newCells(int n, long[][] old) {
    long[][] cs = new long[n][];
    int kept = old == null ? 0 : old.length;
    for (int i = 0; i < n; i++) {
      cs[i] = i < kept ? old[i] : new long[CELL_LONGS];
    }
    return cs;
  }

  /** The sum of {@code counter} over the base and the cells. */
  long sum(int counter) {
    long sum = (long) LONGS.getVolatile(base, counter);
    long[][] cs = (long[][]) CELLS.getAcquire(this);
    if (cs != null) {
      for (long[] cell : cs) {
        sum += (long) LONGS.getVolatile(cell, PAD + counter);
      }
    }
    return sum;
  }

  /** An immutable snapshot, the time since the last transition measured on {@code ticker}. */
  CircuitBreakerStats snapshot(Ticker ticker) {
    long transitions = transitions();
    long since = transitions == 0 ? -1 : Math.max(0, ticker.read() - lastTransition());
    return new CircuitBreakerStats(true, sum(SUCCESSFUL), sum(FAILED), sum(IGNORED),
        sum(REJECTED), transitions, since, latencyNanos(), timedCalls());
  }

  /** Called once per transition, by the thread that made it. */
  void transition(long now) {
    lastTransition = now;
    TRANSITIONS.getAndAdd(this, 1L);
  }

  long transitions() {
    return (long) TRANSITIONS.getVolatile(this);
  }

  long lastTransition() {
    return lastTransition;
  }

  /** A per-thread probe for picking a cell, moved on collision (xorshift; never 0). */
  static final class Probe {
    private static final ThreadLocal<int[]> PROBE = ThreadLocal.withInitial(() -> {
      int h = System.identityHashCode(Thread.currentThread()) * 0x9E3779B9;
      return new int[] {h == 0 ? 1 : h};
    });

    private Probe() {}

    static int get() {
      return PROBE.get()[0];
    }

    static int advance() {
      int[] p = PROBE.get();
      int h = p[0];
      h ^= h << 13;
      h ^= h >>> 17;
      h ^= h << 5;
      p[0] = h;
      return h;
    }
  }
}
