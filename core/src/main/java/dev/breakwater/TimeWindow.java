package dev.breakwater;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A time-based window: the calls of the last {@code length}, in {@value #BUCKETS} buckets of
 * {@code length / 10} each. The window slides one bucket at a time: at any moment it covers the
 * current, partly elapsed bucket and the nine before it.
 *
 * <h2>Algorithm</h2>
 * A call recorded at ticker value {@code now} belongs to epoch {@code e = floor(now / bucket)},
 * stored in slot {@code e mod 10}. Each slot holds an immutable-identity {@link Bucket} for one
 * (generation, epoch) pair, whose counters are updated by {@code getAndAdd}. A recorder that finds
 * an older bucket in its slot (an earlier epoch, or an earlier generation) replaces it with a
 * fresh one by CAS: one small allocation per bucket per rollover, never per call. The rates are
 * the sum of the buckets of the recorder's generation whose epochs lie in {@code (e - 10, e]}.
 *
 * <h2>What is exact and what is approximate</h2>
 * <ul>
 *   <li>Exact: a call is counted in at most one bucket, only in its own generation's buckets
 *       (a bucket's generation is final, so a late recorder writes into an object that is no
 *       longer in the window), and the decision to open is one CAS on the breaker's word from that
 *       generation.
 *   <li>Approximate: the sum reads ten buckets one after the other, so a bucket rolling over or a
 *       call being added while the sum is taken may or may not be included. A recorder that read
 *       the clock, then lost the race for its slot to a recorder of the epoch ten buckets later,
 *       drops its outcome (it would already have left the window). A bucket's three counters
 *       are updated one after the other; readers order their reads so that an outcome in flight
 *       can only make a rate look lower, never higher (see {@link Bucket}). Counters are
 *       {@code long}s: a bucket never saturates.
 * </ul>
 * The clock is read once per recorded outcome (the breaker reuses the end-of-call reading when it
 * times calls for slow-call detection). Most records find their bucket through the
 * {@code latest} hint (one subtraction and compare); the first record of each bucket, and those
 * of a new generation, divide the time by the bucket width and look at the slot.
 */
final class TimeWindow extends SlidingWindow {
  /** Number of buckets a window is divided into. */
  static final int BUCKETS = 10;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Bucket[].class);
  private static final VarHandle LATEST;

  static {
    try {
      LATEST = MethodHandles.lookup().findVarHandle(TimeWindow.class, "latest", Bucket.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final long bucketNanos;
  private final Bucket[] slots = new Bucket[BUCKETS];
  /**
   * A hint: the newest bucket a recorder found or installed, so that most records find their
   * bucket by one subtraction instead of a 64-bit division. Never trusted without checking its
   * generation and time range; may lag (then records take the slow path and move it forward).
   */
  @SuppressWarnings("unused") // accessed through LATEST
  private volatile Bucket latest = new Bucket(-1, Long.MIN_VALUE);

  TimeWindow(CircuitBreakerConfig c) {
    super(c);
    this.bucketNanos = c.slidingWindowLength().toNanos() / BUCKETS;
  }

  /**
   * The calls of one generation in one epoch: three independent counters, never saturating.
   *
   * <p>Ordering: a recorder adds to {@code calls} first, then to {@code failed} and {@code slow};
   * a reader reads {@code failed} and {@code slow} first, then {@code calls}. All are volatile
   * read-modify-writes and volatile reads, so a reader that sees a recorder's failure also sees
   * its call: an outcome in flight can make a rate look lower (its call counted, its failure not
   * yet), never higher.
   */
  static final class Bucket {
    private static final VarHandle CALLS;
    private static final VarHandle FAILED;
    private static final VarHandle SLOW;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        CALLS = lookup.findVarHandle(Bucket.class, "calls", long.class);
        FAILED = lookup.findVarHandle(Bucket.class, "failed", long.class);
        SLOW = lookup.findVarHandle(Bucket.class, "slow", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final int generation;
    /**
     * The ticker value at which the bucket's epoch begins, {@code epoch * bucketNanos}: it names
     * the epoch (compared by subtraction, so a ticker that wraps is fine).
     */
    final long start;
    @SuppressWarnings("unused") // accessed through CALLS
    private volatile long calls;
    @SuppressWarnings("unused") // accessed through FAILED
    private volatile long failed;
    @SuppressWarnings("unused") // accessed through SLOW
    private volatile long slow;

    Bucket(int generation, long start) {
      this.generation = generation;
      this.start = start;
    }

    /** Adds one outcome; returns the bucket's call count including it. */
    long add(int outcome) {
      long calls = (long) CALLS.getAndAdd(this, 1L) + 1;
      if ((outcome & WindowTotals.FAILED) != 0) {
        FAILED.getAndAdd(this, 1L);
      }
      if ((outcome & WindowTotals.SLOW) != 0) {
        SLOW.getAndAdd(this, 1L);
      }
      return calls;
    }

    long failed() {
      return (long) FAILED.getVolatile(this);
    }

    long slow() {
      return (long) SLOW.getVolatile(this);
    }

    long calls() {
      return (long) CALLS.getVolatile(this);
    }
  }

  long epoch(long now) {
    return Math.floorDiv(now, bucketNanos);
  }

  /** The ticker value at which the bucket holding {@code now} begins. */
  long bucketStart(long now) {
    return epoch(now) * bucketNanos;
  }

  @Override
  boolean record(int generation, int outcome, long now) {
    // Fast path: the latest bucket is this generation's and covers now. It was in its slot when
    // it was published; if it has been replaced since, only by a recorder that read a clock at
    // least a whole window later, this outcome is that late and lands in an orphaned bucket,
    // i.e. it is dropped, as on the slow path.
    Bucket b = (Bucket) LATEST.getAcquire(this);
    long offset = now - b.start;
    if (b.generation != generation || offset < 0 || offset >= bucketNanos) {
      b = bucket(generation, now);
      if (b == null) {
        return false;
      }
    }
    long bucketCalls = b.add(outcome);
    // A plain success (neither failed nor slow) lowers both rates, so it can only complete a
    // crossing through the minimum-calls gate, or as the first record of an epoch (the one that
    // sees older buckets leave the window). If its bucket alone already holds more than the
    // minimum, neither applies: the window held at least the minimum before it, and whatever
    // state it completes has a rate no higher than one a failure recorder or an earlier
    // evaluating record has already judged. So it skips the sum.
    if (outcome == WindowTotals.PRESENT && bucketCalls > minimumCalls) {
      return false;
    }
    return verdict(generation, b.start);
  }

  /**
   * The bucket of {@code generation} for the epoch of {@code now}, installing it if its slot
   * holds an older one; {@code null} if the slot already belongs to a newer generation or epoch.
   */
  private Bucket bucket(int generation, long now) {
    long e = epoch(now);
    long start = e * bucketNanos;
    int slot = (int) Math.floorMod(e, (long) BUCKETS);
    Bucket b;
    for (;;) {
      b = (Bucket) SLOTS.getAcquire(slots, slot);
      if (b != null && b.generation == generation && b.start == start) {
        break;
      }
      if (b != null && (isNewer(b.generation, generation)
          || (b.generation == generation && b.start - start > 0))) {
        return null; // late: the slot already belongs to a newer generation or epoch
      }
      // An older bucket: replace it. Exactly one recorder wins the CAS; losers re-read and, if the
      // winner's bucket is theirs, add to it.
      Bucket fresh = new Bucket(generation, start);
      if (SLOTS.compareAndSet(slots, slot, b, fresh)) {
        b = fresh;
        break;
      }
    }
    // Move the hint forward (never back, except through a race that the next slow path undoes).
    // A plain release store is enough: the hint is re-validated by every reader.
    Bucket l = (Bucket) LATEST.getAcquire(this);
    if (l != b && (isNewer(b.generation, l.generation) || l.generation < 0
        || (b.generation == l.generation && b.start - l.start > 0))) {
      LATEST.setRelease(this, b);
    }
    return b;
  }

  /**
   * Whether the buckets of {@code generation} that are in the window ending with the bucket that
   * begins at {@code start} (it and the nine before) call for opening.
   */
  private boolean verdict(int generation, long start) {
    long calls = 0;
    long failed = 0;
    long slow = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && b.generation == generation && inWindow(b, start)) {
        failed += b.failed(); // failed and slow before calls: see Bucket
        slow += b.slow();
        calls += b.calls();
      }
    }
    return WindowTotals.exceeds(calls, failed, slow, minimumCalls, failurePercent, slowPercent);
  }

  /** Whether {@code b} is one of the ten buckets ending with the one that begins at {@code start}. */
  private boolean inWindow(Bucket b, long start) {
    long age = start - b.start;
    return age >= 0 && age < BUCKETS * bucketNanos;
  }

  /** Like {@link #verdict}, but the counts themselves. */
  private WindowMetrics snapshot(int generation, long start) {
    long calls = 0;
    long failed = 0;
    long slow = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && b.generation == generation && inWindow(b, start)) {
        failed += b.failed(); // failed and slow before calls: see Bucket
        slow += b.slow();
        calls += b.calls();
      }
    }
    return new WindowMetrics(SlidingWindowType.TIME_BASED, calls, failed, slow, minimumCalls);
  }

  @Override
  boolean needsClock() {
    return true;
  }

  @Override
  WindowMetrics metrics(int closedGeneration, long now) {
    if (closedGeneration >= 0) {
      return snapshot(closedGeneration, bucketStart(now));
    }
    // the generation of the newest bucket is the window's current generation
    int generation = -1;
    long newest = Long.MIN_VALUE;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && (generation < 0 || isNewer(b.generation, generation)
          || (b.generation == generation && b.start - newest > 0))) {
        generation = b.generation;
        newest = b.start;
      }
    }
    // Frozen: the window as it stood at its newest bucket, however much time has passed since
    // (OPEN lasts longer than a window, typically).
    return generation < 0 ? new WindowMetrics(SlidingWindowType.TIME_BASED, 0, 0, 0, minimumCalls)
        : snapshot(generation, newest);
  }

  @Override
  SlidingWindowType type() {
    return SlidingWindowType.TIME_BASED;
  }
}
