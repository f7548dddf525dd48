package dev.breakwater;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Caps retries at a fraction of calls over a recent period, as Envoy's and Finagle's retry
 * budgets do: during an outage, retries multiply the load on a struggling dependency; a budget
 * lets a few through (enough to ride out a blip) and turns the rest into immediate failures.
 *
 * <pre>{@code
 * RetryBudget budget = RetryBudget.of(0.2, Duration.ofSeconds(10));   // retries <= 20% of calls
 * Retry retry = Retry.builder().maxAttempts(3).budget(budget).build();
 * }</pre>
 *
 * <p>A retry is allowed when, over the last {@code period}, {@code retries + 1 <= ratio * calls
 * + minRetries} ({@code minRetries} lets a quiet service retry at all; default 10 per period).
 * Calls and retries are counted in 10 buckets of {@code period / 10}, so the period slides in
 * steps of a tenth. One budget may be shared by several {@link Retry} policies (one per
 * dependency is typical).
 *
 * <p>Concurrency: counts are atomic adds (nothing is lost); the check and the count of a retry
 * are two steps, so threads retrying at the same instant can overshoot the budget by at most
 * their number. Buckets are replaced lock-free when their time has passed (one CAS decides which
 * new bucket wins); a bucket is allocated once per tenth of a period, never per call.
 */
public final class RetryBudget {
  static final int BUCKETS = 10;

  private final double ratio;
  private final int minRetries;
  private final long bucketNanos;
  private final Ticker ticker;
  private final AtomicReferenceArray<Bucket> ring = new AtomicReferenceArray<>(BUCKETS);

  private static final class Bucket {
    /** {@code floor(ticker / bucketNanos)} of the tenth this bucket counts. */
    final long epoch;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong retries = new AtomicLong();

    Bucket(long epoch) {
      this.epoch = epoch;
    }
  }

  private RetryBudget(double ratio, Duration period, int minRetries, Ticker ticker) {
    if (!(ratio >= 0.0 && ratio <= 10.0)) {
      throw new IllegalArgumentException("ratio must be in [0.0, 10.0]: " + ratio);
    }
    Objects.requireNonNull(period, "period must not be null");
    if (period.compareTo(Duration.ofMillis(10)) < 0 || period.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("period must be in [PT0.01S, PT1H]: " + period);
    }
    if (minRetries < 0 || minRetries > 1_000_000) {
      throw new IllegalArgumentException("minRetries must be in [0, 1000000]: " + minRetries);
    }
    this.ratio = ratio;
    this.minRetries = minRetries;
    this.bucketNanos = period.toNanos() / BUCKETS;
    this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
    for (int i = 0; i < BUCKETS; i++) {
      ring.set(i, new Bucket(Long.MIN_VALUE));
    }
  }

  /**
   * A budget of {@code ratio} retries per call over {@code period}, with at least 10 retries per
   * period allowed.
   *
   * @param ratio retries per call, in [0.0, 10.0] (0.2: one retry per five calls)
   * @param period the sliding period, in [10 ms, 1 h]
   * @return a new budget
   */
  public static RetryBudget of(double ratio, Duration period) {
    return new RetryBudget(ratio, period, 10, Ticker.systemTicker());
  }

  /**
   * A budget with every parameter given.
   *
   * @param ratio retries per call, in [0.0, 10.0]
   * @param period the sliding period, in [10 ms, 1 h]
   * @param minRetries retries allowed per period regardless of the ratio, in [0, 1,000,000]
   * @param ticker the clock; non-null
   * @return a new budget
   */
  public static RetryBudget of(double ratio, Duration period, int minRetries, Ticker ticker) {
    return new RetryBudget(ratio, period, minRetries, ticker);
  }

  /** Counts a call (a first attempt). */
  void recordCall() {
    bucket(ticker.read()).calls.incrementAndGet();
  }

  /**
   * Takes one retry from the budget if it allows one.
   *
   * @return whether the retry may go; if so, it has been counted
   */
  boolean tryRetry() {
    long now = ticker.read();
    long epoch = Math.floorDiv(now, bucketNanos);
    long calls = 0;
    long retries = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = ring.get(i);
      if (epoch - b.epoch < BUCKETS && epoch - b.epoch >= 0) {
        calls += b.calls.get();
        retries += b.retries.get();
      }
    }
    if (retries + 1 > ratio * calls + minRetries) {
      return false;
    }
    bucket(now).retries.incrementAndGet();
    return true;
  }

  private Bucket bucket(long now) {
    long epoch = Math.floorDiv(now, bucketNanos);
    int i = (int) Math.floorMod(epoch, (long) BUCKETS);
    // CAS loop: replaces a bucket of an older tenth; retried only when another thread replaced
    // it meanwhile (then that thread's bucket, of this tenth, is used).
    for (;;) {
      Bucket b = ring.get(i);
      if (b.epoch == epoch) {
        return b;
      }
      if (b.epoch > epoch) {
        return b; // a thread with a later clock reading got here first: count it there
      }
      Bucket fresh = new Bucket(epoch);
      if (ring.compareAndSet(i, b, fresh)) {
        return fresh;
      }
    }
  }

  /**
   * Calls counted in the current period.
   *
   * @return first attempts seen in the last period
   */
  public long calls() {
    return sum(false);
  }

  /**
   * Retries taken in the current period.
   *
   * @return retries allowed in the last period
   */
  public long retries() {
    return sum(true);
  }

  private long sum(boolean retries) {
    long epoch = Math.floorDiv(ticker.read(), bucketNanos);
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Bucket b = ring.get(i);
      if (epoch - b.epoch < BUCKETS && epoch - b.epoch >= 0) {
        n += retries ? b.retries.get() : b.calls.get();
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "RetryBudget(" + ratio + " per call over " + Duration.ofNanos(bucketNanos * BUCKETS)
        + ", min " + minRetries + ")";
  }
}
