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
 * (generation, epoch) pair, whose totals are updated by {@code getAndAdd}. A recorder that finds
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
 *       drops its outcome (it would already have left the window). Each bucket counts at most
 *       2^20 calls; further calls in that bucket are not recorded, so its rates are those of its
 *       first 1,048,576 calls.
 * </ul>
 * The clock is read once per recorded outcome (the breaker reuses the end-of-call reading when it
 * times calls for slow-call detection).
 */
final class TimeWindow extends SlidingWindow {
  /** Number of buckets a window is divided into. */
  static final int BUCKETS = 10;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Bucket[].class);

  final long bucketNanos;
  private final Bucket[] slots = new Bucket[BUCKETS];

  TimeWindow(CircuitBreakerConfig c) {
    super(c);
    this.bucketNanos = c.slidingWindowLength().toNanos() / BUCKETS;
  }

  /** The calls of one generation in one epoch. */
  static final class Bucket {
    private static final VarHandle TOTALS;

    static {
      try {
        TOTALS = MethodHandles.lookup().findVarHandle(Bucket.class, "totals", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final int generation;
    final long epoch;
    @SuppressWarnings("unused") // accessed through TOTALS
    private volatile long totals;

    Bucket(int generation, long epoch) {
      this.generation = generation;
      this.epoch = epoch;
    }

    long totals() {
      return (long) TOTALS.getVolatile(this);
    }
  }

  long epoch(long now) {
    return Math.floorDiv(now, bucketNanos);
  }

  @Override
  boolean record(int generation, int outcome, long now) {
    long e = epoch(now);
    int slot = (int) Math.floorMod(e, (long) BUCKETS);
    Bucket b;
    for (;;) {
      b = (Bucket) SLOTS.getAcquire(slots, slot);
      if (b != null && b.generation == generation && b.epoch == e) {
        break;
      }
      if (b != null && (isNewer(b.generation, generation)
          || (b.generation == generation && b.epoch > e))) {
        return false; // late: the slot already belongs to a newer generation or epoch
      }
      // An older bucket: replace it. Exactly one recorder wins the CAS; losers re-read and, if the
      // winner's bucket is theirs, add to it.
      Bucket fresh = new Bucket(generation, e);
      if (SLOTS.compareAndSet(slots, slot, b, fresh)) {
        b = fresh;
        break;
      }
    }
    if (WindowTotals.calls(b.totals()) >= WindowTotals.LIMIT - 1024) {
      return false; // saturated bucket: keep the sample of its first ~2^20 calls
    }
    Bucket.TOTALS.getAndAdd(b, WindowTotals.of(outcome));
    return WindowTotals.exceeds(sum(generation, e), minimumCalls, failurePercent, slowPercent);
  }

  /** Totals of the buckets of {@code generation} whose epoch is in {@code (e - BUCKETS, e]}. */
  private long sum(int generation, long e) {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && b.generation == generation && b.epoch > e - BUCKETS && b.epoch <= e) {
        total += b.totals();
      }
    }
    return total;
  }

  @Override
  boolean needsClock() {
    return true;
  }

  @Override
  long totals(int closedGeneration, long now) {
    if (closedGeneration >= 0) {
      return sum(closedGeneration, epoch(now));
    }
    // the generation of the newest bucket is the window's current generation
    int generation = -1;
    long newest = Long.MIN_VALUE;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = (Bucket) SLOTS.getAcquire(slots, i);
      if (b != null && (generation < 0 || isNewer(b.generation, generation)
          || (b.generation == generation && b.epoch > newest))) {
        generation = b.generation;
        newest = b.epoch;
      }
    }
    return generation < 0 ? 0 : sum(generation, epoch(now));
  }

  @Override
  SlidingWindowType type() {
    return SlidingWindowType.TIME_BASED;
  }
}
