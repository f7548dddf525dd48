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
 * (CLOSED period, epoch) pair, whose counters are updated by {@code getAndAdd}; a bucket names its
 * period by reference, so "same period" is an identity test that no generation wrap can fool. A
 * recorder that finds an older bucket in its slot (an earlier epoch, or an earlier period)
 * replaces it with a fresh one by CAS: one small allocation per bucket per rollover, never per
 * call. The rates are the sum of the period's buckets whose epochs lie in the ten epochs ending
 * with the newest bucket of the period the recorder sees (its own epoch, or a later one installed
 * by a concurrent recorder: see {@link #verdict}).
 *
 * <h2>What is exact and what is approximate</h2>
 * <ul>
 *   <li>Exact: a call is counted in at most one bucket, only in its own generation's buckets
 *       (a bucket's generation is final, so a late recorder writes into an object that is no
 *       longer in the window), and the decision to open is one CAS on the breaker's word from that
 *       generation. A rate crossing completed by concurrent records is seen by at least one of
 *       them, also across a bucket rollover (see {@link #verdict}).
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
  /** The period of the initial "no bucket yet" hint; never a breaker's period. */
  private static final Period NO_PERIOD = new Period(FINISHED);

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
   * period and time range; may lag (then records take the slow path and move it forward).
   */
  @SuppressWarnings("unused") // accessed through LATEST
  private volatile Bucket latest = new Bucket(NO_PERIOD, Long.MIN_VALUE);

  TimeWindow(CircuitBreakerConfig c) {
    super(c);
    this.bucketNanos = c.slidingWindowLength().toNanos() / BUCKETS;
    start(new Period(0));
  }

  @Override
  boolean hasShapeOf(CircuitBreakerConfig c) {
    return c.slidingWindowType() == SlidingWindowType.TIME_BASED
        && c.slidingWindowLength().toNanos() / BUCKETS == bucketNanos;
  }

  @Override
  Period newPeriod(int generation) {
    return new Period(generation);
  }

  /**
   * The calls of one CLOSED period in one epoch: three independent counters, never saturating.
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

    /** The CLOSED period the bucket counts for, compared by identity. */
    final Period period;
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

    Bucket(Period period, long start) {
      this.period = period;
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
  boolean record(CircuitBreaker breaker, int generation, int outcome, long now) {
    // Fast path: the latest bucket is of this generation's live period and covers now. It was in
    // its slot when it was published; if it has been replaced since, only by a recorder that read
    // a clock at least a whole window later, this outcome is that late and lands in an orphaned
    // bucket, i.e. it is dropped, as on the slow path.
    Bucket b = (Bucket) LATEST.getAcquire(this);
    long offset = now - b.start;
    if (b.period.generation() != generation || offset < 0 || offset >= bucketNanos) {
      Period p = period(breaker, generation);
      if (p == null) {
        return false; // the breaker has left this generation: the outcome is stale
      }
      b = bucket(p, now);
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
    return verdict(b.period, b.start);
  }

  /**
   * The bucket of period {@code p} for the epoch of {@code now}, installing it if its slot holds
   * an older one; {@code null} if the outcome is late (the slot already belongs to a later epoch
   * of {@code p}, or {@code p} is no longer the window's period).
   */
  private Bucket bucket(Period p, long now) {
    long e = epoch(now);
    long start = e * bucketNanos;
    int slot = (int) Math.floorMod(e, (long) BUCKETS);
    Bucket b;
    for (;;) {
      b = (Bucket) SLOTS.getAcquire(slots, slot);
      if (b != null && b.period == p) {
        if (b.start == start) {
          break;
        }
        if (b.start - start > 0) {
          return null; // late: the slot already holds a later epoch of this period
        }
      } else if (b != null && current() != p) {
        // A bucket of another period, and p is no longer the window's: the other one may be
        // newer, and this outcome is late anyway (its generation has ended).
        return null;
      }
      // An older bucket (earlier epoch of p, or of an earlier period, read after p was seen
      // current): replace it. Exactly one recorder wins the CAS; losers re-read and, if the
      // winner's bucket is theirs, add to it.
      Bucket fresh = new Bucket(p, start);
      if (SLOTS.compareAndSet(slots, slot, b, fresh)) {
        b = fresh;
        break;
      }
    }
    // Move the hint forward (never back, except through a race that the next slow path undoes).
    // A plain release store is enough: the hint is re-validated by every reader.
    Bucket l = (Bucket) LATEST.getAcquire(this);
    if (l != b && (l.period != b.period || b.start - l.start > 0)) {
      LATEST.setRelease(this, b);
    }
    return b;
  }

  /**
   * Whether the window of period {@code p} calls for opening, judged for the ten epochs ending
   * with its newest bucket: the one that begins at {@code start} (the recorder's own), or a later
   * one that a concurrent recorder has installed.
   *
   * <p>Why the later one: a failure that read the clock just before a rollover may add to its
   * bucket after another recorder installed the next bucket and judged the window without that
   * failure. Judging only its own (older) window, the failure would miss the crossing that both
   * outcomes together make. Every recorder adds, then scans the slots (all volatile): of two
   * such recorders, either the failure's scan sees the newer bucket (and judges the window that
   * ends there, with its own failure), or the newer bucket's recorder, which installed its
   * bucket and added before scanning, reads the failure. The recorder whose add comes last
   * judges a window that holds every outcome and ends at the newest bucket.
   */
  private boolean verdict(Period p, long start) {
    long newest = start;
    long calls = 0;
    long failed = 0;
    long slow = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && b.period == p) {
        if (b.start - newest > 0) {
          newest = b.start;
        }
        if (inWindow(b, start)) {
          failed += b.failed(); // failed and slow before calls: see Bucket
          slow += b.slow();
          calls += b.calls();
        }
      }
    }
    if (newest != start) {
      return verdict(p, newest); // rare: a rollover raced this record; judge the newer window
    }
    return WindowTotals.exceeds(calls, failed, slow, minimumCalls, failurePercent, slowPercent);
  }

  /** Whether {@code b} is one of the ten buckets ending with the one that begins at {@code start}. */
  private boolean inWindow(Bucket b, long start) {
    long age = start - b.start;
    return age >= 0 && age < BUCKETS * bucketNanos;
  }

  /** The counts of period {@code p} in the ten epochs ending with the one that begins at {@code start}. */
  private WindowMetrics snapshot(Period p, long start) {
    long calls = 0;
    long failed = 0;
    long slow = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && b.period == p && inWindow(b, start)) {
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
    Period p = current();
    if (closedGeneration >= 0) {
      return p.generation() == closedGeneration ? snapshot(p, bucketStart(now))
          : new WindowMetrics(SlidingWindowType.TIME_BASED, 0, 0, 0, minimumCalls);
    }
    // Frozen: the latest period as it stood at its newest bucket, however much time has passed
    // since (OPEN lasts longer than a window, typically).
    boolean any = false;
    long newest = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && b.period == p && (!any || b.start - newest > 0)) {
        any = true;
        newest = b.start;
      }
    }
    return any ? snapshot(p, newest)
        : new WindowMetrics(SlidingWindowType.TIME_BASED, 0, 0, 0, minimumCalls);
  }

  @Override
  SlidingWindowType type() {
    return SlidingWindowType.TIME_BASED;
  }
}
