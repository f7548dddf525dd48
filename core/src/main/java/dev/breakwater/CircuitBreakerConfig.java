package dev.breakwater;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;

/**
 * The immutable settings of a {@link CircuitBreaker}, meant to be shared by many breakers.
 *
 * <p>Build one with {@link #builder()}, or start from a preset: {@link #defaults()} (the same as
 * {@link #conservative()}), {@link #aggressive()} or {@link #tolerant()}, and adjust it with
 * {@link #toBuilder()}.
 *
 * <table class="striped">
 *   <caption>Settings, defaults and allowed ranges</caption>
 *   <thead><tr><th>setting</th><th>default</th><th>range</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code failureThreshold}</td><td>5</td><td>[1, 65535]</td></tr>
 *     <tr><td>{@code successThreshold}</td><td>2</td><td>[1, 1023]</td></tr>
 *     <tr><td>{@code halfOpenMaxCalls}</td><td>3</td><td>[1, 1023]</td></tr>
 *     <tr><td>{@code openTimeout}</td><td>60 s</td><td>[1 ms, 365 days]</td></tr>
 *     <tr><td>{@code openTimeoutBackoff}</td><td>none (multiplier 1)</td>
 *         <td>multiplier [1, 1000], cap [openTimeout, 365 days]</td></tr>
 *     <tr><td>{@code recordException}</td><td>every throwable is a failure</td><td>non-null</td></tr>
 *     <tr><td>{@code ignoreExceptions}</td><td>none</td><td>non-null classes</td></tr>
 *     <tr><td>{@code recordResult}</td><td>no result is a failure</td><td>non-null</td></tr>
 *     <tr><td>{@code ticker}</td><td>{@link System#nanoTime()}</td><td>non-null</td></tr>
 *     <tr><td>{@code slidingWindow}</td><td>none: consecutive failures</td>
 *         <td>COUNT_BASED [1, 10000] calls, TIME_BASED [100 ms, 1 day]</td></tr>
 *     <tr><td>{@code failureRateThreshold}</td><td>50</td><td>[1, 100] %</td></tr>
 *     <tr><td>{@code minimumNumberOfCalls}</td><td>100, or the window size if smaller</td>
 *         <td>[1, window size] or [1, 1000000]</td></tr>
 *     <tr><td>{@code slowCallDurationThreshold}</td><td>none: calls are not timed</td>
 *         <td>[1 ns, 1 day]</td></tr>
 *     <tr><td>{@code slowCallRateThreshold}</td><td>100</td><td>[1, 100] %</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Instances are immutable and thread-safe. The predicates and the ticker are called on the
 * callers' threads and must be thread-safe themselves.
 */
public final class CircuitBreakerConfig {

  /** The smallest open timeout accepted. */
  public static final Duration MIN_OPEN_TIMEOUT = Duration.ofMillis(1);
  /** The largest open timeout (and backoff cap) accepted. */
  public static final Duration MAX_OPEN_TIMEOUT = Duration.ofDays(365);
  /** The largest backoff multiplier accepted. */
  public static final double MAX_BACKOFF_MULTIPLIER = 1000.0;

  /** The largest count-based window. */
  public static final int MAX_WINDOW_SIZE = 10_000;
  /** The shortest time-based window. */
  public static final Duration MIN_WINDOW_LENGTH = Duration.ofMillis(100);
  /** The longest time-based window, and the longest slow-call threshold. */
  public static final Duration MAX_WINDOW_LENGTH = Duration.ofDays(1);
  /** The largest minimum number of calls of a time-based window. */
  public static final int MAX_MINIMUM_CALLS = 1_000_000;
  private static final int DEFAULT_MINIMUM_CALLS = 100;

  static final int OUTCOME_SUCCESS = 0;
  static final int OUTCOME_FAILURE = 1;
  static final int OUTCOME_IGNORED = 2;

  private static final Predicate<Throwable> RECORD_ALL = new Predicate<>() {
    @Override
    public boolean test(Throwable t) {
      return true;
    }

    @Override
    public String toString() {
      return "all";
    }
  };
  private static final ResultRule[] NO_RESULT_RULES = new ResultRule[0];

  private static final CircuitBreakerConfig CONSERVATIVE =
      builder().failureThreshold(5).successThreshold(2).openTimeout(Duration.ofSeconds(60))
          .halfOpenMaxCalls(3).build();
  private static final CircuitBreakerConfig AGGRESSIVE =
      builder().failureThreshold(3).successThreshold(3).openTimeout(Duration.ofSeconds(30))
          .halfOpenMaxCalls(1).build();
  private static final CircuitBreakerConfig TOLERANT =
      builder().failureThreshold(10).successThreshold(1).openTimeout(Duration.ofSeconds(120))
          .halfOpenMaxCalls(5).build();

  // ---- the settings, as given ----
  final int failureThreshold;
  final int successThreshold;
  final int halfOpenMaxCalls;
  private final Duration openTimeout;
  private final double backoffMultiplier;
  private final Duration maxOpenTimeout;
  private final Predicate<? super Throwable> recordException;
  private final Class<?>[] ignoredExceptions;
  private final ResultRule[] resultRules;
  final Ticker ticker;
  private final SlidingWindowType windowType;
  private final int windowSize;
  private final Duration windowLength;
  private final int failureRateThreshold;
  private final int minimumNumberOfCalls;
  private final Duration slowCallDuration;
  private final int slowCallRateThreshold;

  // ---- derived once, read by the breaker ----
  /** Calls slower than this many ns are slow; 0 when slow calls are not detected. */
  final long slowCallNanos;
  /** Whether breakers keep call statistics ({@code recordStats()}). */
  final boolean recordsStats;
  /** Whether statistics include latency ({@code recordLatency()}). */
  final boolean recordsLatency;
  /** Makes each breaker's latency recorder; null for the built-in one. */
  final LatencyRecorder.Factory latencyRecorders;
  /** Whether calls are timed: for slow-call detection or latency statistics. */
  final boolean timesCalls;
  /** Tests the dependency in HALF_OPEN instead of real calls; null for none (see HealthCheck). */
  final HealthCheck healthCheck;
  /** {@code true} when a result predicate was configured; lets the hot path skip calling it. */
  final boolean recordsResults;
  /** Open timeout in ns per backoff level; index 0 is the base timeout. */
  private final long[] openTimeoutNanos;
  /** The level at which the backoff reaches its cap (or {@link BreakerWord#MAX_LEVEL}). */
  final int maxLevel;
  /**
   * OPEN deadlines of backoff level {@code l} are kept in units of {@code 2^deadlineShift[l]} ns:
   * at most max(1 &micro;s, 1/1000 of that level's timeout), so HALF_OPEN is entered at most that
   * late (see {@link #deadlineShift(long)}).
   */
  private final byte[] deadlineShifts;
  /**
   * An OPEN word of level {@code l} whose deadline is further away than this many units is
   * stale (its deadline wrapped): the level's timeout in units, rounded up, plus one.
   */
  private final long[] maxRemainingUnits;
  /** HALF_OPEN "full since" times are kept in units of {@code 2^sinceShift} ns. */
  final int sinceShift;
  /** Probes count as hung once this many "since" units have passed (rounded up, never early). */
  final long hungProbeUnits;

  private CircuitBreakerConfig(Builder b) {
    this.failureThreshold = b.failureThreshold;
    this.successThreshold = b.successThreshold;
    this.halfOpenMaxCalls = b.halfOpenMaxCalls;
    this.openTimeout = b.openTimeout;
    this.backoffMultiplier = b.backoffMultiplier;
    this.maxOpenTimeout = b.backoff ? b.maxOpenTimeout : b.openTimeout;
    this.recordException = b.recordException;
    this.ignoredExceptions = b.ignoredExceptions.clone();
    this.resultRules = b.resultRules.toArray(NO_RESULT_RULES);
    this.ticker = b.ticker;
    this.recordsResults = resultRules.length > 0;
    this.windowType = b.windowType;
    this.windowSize = b.windowSize;
    this.windowLength = b.windowLength;
    this.failureRateThreshold = b.failureRateThreshold;
    this.minimumNumberOfCalls = b.minimumNumberOfCalls > 0 ? b.minimumNumberOfCalls
        : windowType == SlidingWindowType.COUNT_BASED ? Math.min(DEFAULT_MINIMUM_CALLS, windowSize)
        : DEFAULT_MINIMUM_CALLS;
    this.slowCallDuration = b.slowCallDuration;
    this.slowCallRateThreshold = b.slowCallRateThreshold;
    this.slowCallNanos = slowCallDuration == null ? 0 : Math.max(1, slowCallDuration.toNanos());
    this.recordsLatency = b.recordLatency;
    this.latencyRecorders = b.latencyRecorders;
    this.recordsStats = b.recordStats || b.recordLatency;
    this.healthCheck = b.healthCheck;
    this.timesCalls = slowCallNanos > 0 || recordsLatency;

    long base = openTimeout.toNanos();
    long cap = maxOpenTimeout.toNanos();
    long[] levels = new long[BreakerWord.MAX_LEVEL + 1];
    int top = 0;
    levels[0] = base;
    double next = base;
    while (top < BreakerWord.MAX_LEVEL && levels[top] < cap && backoffMultiplier > 1.0) {
      next *= backoffMultiplier;
      levels[++top] = next >= cap ? cap : Math.max(levels[top - 1], (long) next);
    }
    this.maxLevel = top;
    this.openTimeoutNanos = Arrays.copyOf(levels, top + 1);

    this.deadlineShifts = new byte[top + 1];
    this.maxRemainingUnits = new long[top + 1];
    for (int level = 0; level <= top; level++) {
      int shift = deadlineShift(openTimeoutNanos[level]);
      deadlineShifts[level] = (byte) shift;
      // ceil(timeout / unit) plus one unit for rounding the deadline up and "now" down
      maxRemainingUnits[level] = ((openTimeoutNanos[level] + (1L << shift) - 1) >> shift) + 1;
    }
    // The base timeout in fewer than 2^9 units (resolution 1/256 to 1/512 of it), but a unit no
    // larger than 2^(64 - SINCE_BITS) ns, so that (now >> shift) mod 2^SINCE_BITS stays continuous
    // where a ticker wraps from Long.MAX_VALUE to Long.MIN_VALUE (2^64 / 2^shift is then a
    // multiple of 2^SINCE_BITS). A stamp wraps after 2^13 units: 16 to 32 timeouts.
    this.sinceShift = Math.min(64 - BreakerWord.SINCE_BITS,
        Math.max(0, bitLength(base) - BreakerWord.HUNG_TIMEOUT_UNIT_BITS));
    this.hungProbeUnits = ((base + (1L << sinceShift) - 1) >> sinceShift) + 1;
  }

  /**
   * The deadline unit of an OPEN period that lasts {@code timeoutNanos}, as a power of two
   * {@code 2^s}: the finest unit in which the timeout is below {@code 2^24} units, but
   * {@code s <= 24}.
   *
   * <p>Why each bound: HALF_OPEN is entered at most one unit late (the deadline is rounded up,
   * never down), so the unit is the lateness bound: below {@code 2^-23} of the wait, and at the
   * cap {@code 2^24 ns = 16.8 ms}, which applies only to waits of {@code 2^48 ns} (78 hours) or
   * more, where it is under {@code 1/16,000} of the wait; so always at most max(1 &micro;s, 1/1000 of
   * the wait). The cap keeps {@code (now >> s) mod 2^35} continuous across a ticker wrap
   * ({@code 2^64 / 2^s} is then a multiple of {@code 2^35}), so any ticker origin works. A
   * timeout spans fewer than {@code 2^31} units (365 days at the cap), inside the 35-bit field's
   * sign-extended range.
   */
  static int deadlineShift(long timeoutNanos) {
    return Math.min(BreakerWord.MAX_DEADLINE_SHIFT,
        Math.max(0, bitLength(timeoutNanos) - BreakerWord.MAX_TIMEOUT_UNIT_BITS));
  }

  private static int bitLength(long v) {
    return 64 - Long.numberOfLeadingZeros(v);
  }

  /**
   * Returns a builder with every setting at its default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this config's settings, to derive a variant of it.
   *
   * @return a new builder initialised from this config
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The default settings; the same as {@link #conservative()}.
   *
   * @return failure threshold 5, success threshold 2, open timeout 60 s, 3 half-open probes
   */
  public static CircuitBreakerConfig defaults() {
    return CONSERVATIVE;
  }

  /**
   * For most dependencies: opens after a short burst of failures, probes carefully.
   *
   * @return failure threshold 5, success threshold 2, open timeout 60 s, 3 half-open probes
   */
  public static CircuitBreakerConfig conservative() {
    return CONSERVATIVE;
  }

  /**
   * For dependencies where a failure is expensive (an exchange's order endpoint): opens fast,
   * probes one call at a time and wants three successes before trusting the dependency again.
   *
   * @return failure threshold 3, success threshold 3, open timeout 30 s, 1 half-open probe
   */
  public static CircuitBreakerConfig aggressive() {
    return AGGRESSIVE;
  }

  /**
   * For flaky but important dependencies: tolerates more failures and closes on one success.
   *
   * @return failure threshold 10, success threshold 1, open timeout 120 s, 5 half-open probes
   */
  public static CircuitBreakerConfig tolerant() {
    return TOLERANT;
  }

  /**
   * Consecutive failures in CLOSED that open the breaker (not used with a sliding window).
   *
   * @return the failure threshold, in [1, 65535]
   */
  public int failureThreshold() {
    return failureThreshold;
  }

  /**
   * Successes in HALF_OPEN that close the breaker.
   *
   * @return the success threshold, in [1, 1023]
   */
  public int successThreshold() {
    return successThreshold;
  }

  /**
   * Probes allowed in flight at once in HALF_OPEN.
   *
   * @return the limit, in [1, 1023]
   */
  public int halfOpenMaxCalls() {
    return halfOpenMaxCalls;
  }

  /**
   * How long the breaker stays OPEN after it first opens; also how long HALF_OPEN may go without
   * a verdict while all probe slots are taken before the outstanding probes count as failed.
   *
   * @return the base open timeout
   */
  public Duration openTimeout() {
    return openTimeout;
  }

  /**
   * The factor by which each re-open from HALF_OPEN multiplies the open timeout; 1 when no
   * backoff is configured.
   *
   * @return the backoff multiplier, in [1, 1000]
   */
  public double openTimeoutMultiplier() {
    return backoffMultiplier;
  }

  /**
   * The cap of the backed-off open timeout; equal to {@link #openTimeout()} without backoff.
   *
   * @return the longest open timeout
   */
  public Duration maxOpenTimeout() {
    return maxOpenTimeout;
  }

  /**
   * The open timeout after {@code reopens} consecutive re-opens from HALF_OPEN: {@code
   * min(maxOpenTimeout, openTimeout * multiplier^reopens)}. The breaker counts at most 63
   * consecutive re-opens; past that the timeout stays at its level-63 value.
   *
   * @param reopens consecutive re-opens, at least 0
   * @return the open timeout used after that many re-opens
   * @throws IllegalArgumentException if {@code reopens} is negative
   */
  public Duration openTimeout(int reopens) {
    if (reopens < 0) {
      throw new IllegalArgumentException("reopens must be in [0, 2147483647]: " + reopens);
    }
    return Duration.ofNanos(openTimeoutNanos(reopens));
  }

  /**
   * The source of time.
   *
   * @return the ticker
   */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * The sliding window the breaker trips on, or {@code null} when it counts consecutive failures
   * (the default).
   *
   * @return the window type, or null
   */
  public SlidingWindowType slidingWindowType() {
    return windowType;
  }

  /**
   * The size of a count-based window, in calls; 0 for other policies.
   *
   * @return the window size
   */
  public int slidingWindowSize() {
    return windowSize;
  }

  /**
   * The length of a time-based window; {@code null} for other policies.
   *
   * @return the window length
   */
  public Duration slidingWindowLength() {
    return windowLength;
  }

  /**
   * With a sliding window: the failure rate, in percent, at or above which the breaker opens.
   *
   * @return the threshold, in [1, 100]
   */
  public int failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * With a sliding window: the calls the window must hold before its rates can open the breaker.
   *
   * @return the minimum number of calls
   */
  public int minimumNumberOfCalls() {
    return minimumNumberOfCalls;
  }

  /**
   * Calls that take longer than this are slow; {@code null} when slow calls are not detected.
   *
   * @return the slow-call duration threshold, or null
   */
  public Duration slowCallDurationThreshold() {
    return slowCallDuration;
  }

  /**
   * The slow-call rate, in percent, at or above which the breaker opens.
   *
   * @return the threshold, in [1, 100]
   */
  public int slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /**
   * Whether breakers with this config keep call statistics.
   *
   * @return true after {@code recordStats()} or {@code recordLatency()}
   */
  public boolean isRecordingStats() {
    return recordsStats;
  }

  /**
   * Whether the statistics include call latency.
   *
   * @return true after {@code recordLatency()}
   */
  public boolean isRecordingLatency() {
    return recordsLatency;
  }

  /**
   * The half-open health check.
   *
   * @return the health check, or null when real calls probe the dependency (the default)
   */
  public HealthCheck healthCheck() {
    return healthCheck;
  }

  /** A fresh window for one breaker, or null in consecutive-failure mode. */
  SlidingWindow newWindow() {
    if (windowType == null) {
      return null;
    }
    return windowType == SlidingWindowType.COUNT_BASED ? new CountWindow(this) : new TimeWindow(this);
  }

  long openTimeoutNanos(int level) {
    return openTimeoutNanos[Math.min(level, maxLevel)];
  }

  /** The deadline shift of backoff level {@code level} (at most {@link #maxLevel}). */
  int deadlineShift(int level) {
    return deadlineShifts[level];
  }

  /** The largest plausible remaining time, in units, of an OPEN word of {@code level}. */
  long maxRemainingUnits(int level) {
    return maxRemainingUnits[level];
  }

  /**
   * Classifies a throwable from a protected call: ignored classes first, then the
   * {@code recordException} predicate (a throwable it rejects counts as a success). A
   * {@link CancellationException} is the caller's decision, not the dependency's failure, and is
   * always ignored.
   */
  int classify(Throwable t) {
    if (t instanceof CancellationException) {
      return OUTCOME_IGNORED;
    }
    for (Class<?> ignored : ignoredExceptions) {
      if (ignored.isInstance(t)) {
        return OUTCOME_IGNORED;
      }
    }
    return recordException.test(t) ? OUTCOME_FAILURE : OUTCOME_SUCCESS;
  }

  /** Whether a result counts as a failure; only called when {@link #recordsResults}. */
  boolean isFailureResult(Object result) {
    for (ResultRule rule : resultRules) {
      if (rule.matches(result)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "CircuitBreakerConfig{failureThreshold=" + failureThreshold
        + ", successThreshold=" + successThreshold
        + ", halfOpenMaxCalls=" + halfOpenMaxCalls
        + ", openTimeout=" + openTimeout
        + ", backoffMultiplier=" + backoffMultiplier
        + ", maxOpenTimeout=" + maxOpenTimeout
        + ", ignoreExceptions=" + Arrays.toString(ignoredExceptions)
        + ", recordException=" + recordException
        + ", recordResult=" + (resultRules.length == 0 ? "none" : Arrays.toString(resultRules))
        + ", ticker=" + ticker
        + (windowType == null ? "" : ", slidingWindow=" + windowType + "("
            + (windowType == SlidingWindowType.COUNT_BASED ? windowSize : windowLength) + ")"
            + ", failureRateThreshold=" + failureRateThreshold
            + ", minimumNumberOfCalls=" + minimumNumberOfCalls)
        + (slowCallDuration == null ? "" : ", slowCallDurationThreshold=" + slowCallDuration
            + ", slowCallRateThreshold=" + slowCallRateThreshold)
        + (recordsLatency ? ", recordLatency" : recordsStats ? ", recordStats" : "")
        + (healthCheck == null ? "" : ", " + healthCheck)
        + "}";
  }

  /**
   * Collects settings for a {@link CircuitBreakerConfig}. A {@code null} argument is rejected at
   * once with a {@link NullPointerException} naming it (the JDK's convention for null
   * arguments); other values are stored, and {@link #build()} validates them all and throws
   * {@link IllegalArgumentException} naming the first bad setting, its value and the allowed
   * range. A builder is not thread-safe.
   */
  public static final class Builder {
    private int failureThreshold = 5;
    /** Set on this builder (not inherited through toBuilder()); conflicts with a window. */
    private boolean failureThresholdSet;
    private int successThreshold = 2;
    private int halfOpenMaxCalls = 3;
    private Duration openTimeout = Duration.ofSeconds(60);
    private double backoffMultiplier = 1.0;
    private boolean backoff;
    private Duration maxOpenTimeout; // without backoff the cap is the openTimeout
    private Predicate<? super Throwable> recordException = RECORD_ALL;
    private Class<?>[] ignoredExceptions = new Class<?>[0];
    private final java.util.List<ResultRule> resultRules = new java.util.ArrayList<>();
    private Ticker ticker = Ticker.systemTicker();
    private SlidingWindowType windowType;
    private boolean windowSet;
    private int windowSize;
    private Duration windowLength;
    private boolean windowSizedByDuration;
    private int failureRateThreshold = 50;
    private boolean failureRateSet;
    private int minimumNumberOfCalls; // 0: default
    private boolean minimumCallsSet;
    private Duration slowCallDuration;
    private boolean slowCallDurationSet;
    private int slowCallRateThreshold = 100;
    private boolean slowCallRateSet;
    private boolean recordStats;
    private boolean recordLatency;
    private LatencyRecorder.Factory latencyRecorders;
    private HealthCheck healthCheck;

    Builder() {}

    Builder(CircuitBreakerConfig c) {
      failureThreshold = c.failureThreshold;
      successThreshold = c.successThreshold;
      halfOpenMaxCalls = c.halfOpenMaxCalls;
      openTimeout = c.openTimeout;
      backoffMultiplier = c.backoffMultiplier;
      backoff = c.backoffMultiplier > 1.0 || !c.maxOpenTimeout.equals(c.openTimeout);
      maxOpenTimeout = backoff ? c.maxOpenTimeout : null;
      recordException = c.recordException;
      ignoredExceptions = c.ignoredExceptions.clone();
      resultRules.addAll(Arrays.asList(c.resultRules));
      ticker = c.ticker;
      windowType = c.windowType;
      windowSet = c.windowType != null;
      windowSize = c.windowSize;
      windowLength = c.windowLength;
      windowSizedByDuration = c.windowType == SlidingWindowType.TIME_BASED;
      failureRateThreshold = c.failureRateThreshold;
      failureRateSet = windowSet;
      minimumNumberOfCalls = windowSet ? c.minimumNumberOfCalls : 0;
      minimumCallsSet = windowSet;
      slowCallDuration = c.slowCallDuration;
      slowCallDurationSet = c.slowCallDuration != null;
      slowCallRateThreshold = c.slowCallRateThreshold;
      slowCallRateSet = slowCallDurationSet;
      recordStats = c.recordsStats && !c.recordsLatency;
      recordLatency = c.recordsLatency;
      latencyRecorders = c.latencyRecorders;
      healthCheck = c.healthCheck;
    }

    /**
     * Consecutive failures in CLOSED that open the breaker (default 5).
     *
     * @param failureThreshold in [1, 65535]
     * @return this builder
     */
    public Builder failureThreshold(int failureThreshold) {
      this.failureThreshold = failureThreshold;
      this.failureThresholdSet = true;
      return this;
    }

    /**
     * Successes in HALF_OPEN that close the breaker (default 2).
     *
     * @param successThreshold in [1, 1023]
     * @return this builder
     */
    public Builder successThreshold(int successThreshold) {
      this.successThreshold = successThreshold;
      return this;
    }

    /**
     * How long the breaker stays OPEN before it admits a probe (default 60 s). Also the time
     * after which probes that never report count as failed (see {@link CircuitBreaker}).
     *
     * @param openTimeout in [1 ms, 365 days]
     * @return this builder
     */
    public Builder openTimeout(Duration openTimeout) {
      this.openTimeout = requireNonNull(openTimeout, "openTimeout");
      return this;
    }

    /**
     * Probes allowed in flight at once in HALF_OPEN (default 3).
     *
     * @param halfOpenMaxCalls in [1, 1023]
     * @return this builder
     */
    public Builder halfOpenMaxCalls(int halfOpenMaxCalls) {
      this.halfOpenMaxCalls = halfOpenMaxCalls;
      return this;
    }

    /**
     * Exponential backoff of the open timeout: each consecutive re-open from HALF_OPEN
     * multiplies the wait by {@code multiplier}, up to {@code maxOpenTimeout}. Closing (or
     * {@link CircuitBreaker#reset()}) brings it back to the base. Default: no backoff.
     *
     * @param multiplier in [1, 1000]
     * @param maxOpenTimeout in [openTimeout, 365 days]
     * @return this builder
     */
    public Builder openTimeoutBackoff(double multiplier, Duration maxOpenTimeout) {
      this.backoff = true;
      this.backoffMultiplier = multiplier;
      this.maxOpenTimeout = requireNonNull(maxOpenTimeout, "openTimeoutBackoff maxOpenTimeout");
      return this;
    }

    /**
     * Which throwables count as failures (default: all). A throwable for which the predicate
     * returns {@code false} counts as a success. {@link #ignoreExceptions} is checked first.
     *
     * @param predicate non-null, thread-safe
     * @return this builder
     */
    public Builder recordException(Predicate<? super Throwable> predicate) {
      this.recordException = requireNonNull(predicate, "recordException");
      return this;
    }

    /**
     * Throwables, by class and subclass, that count as neither success nor failure: the call's
     * permit is released without a verdict. Replaces any earlier list (default: none).
     *
     * @param types non-null classes
     * @return this builder
     */
    @SafeVarargs
    public final Builder ignoreExceptions(Class<? extends Throwable>... types) {
      requireNonNull(types, "ignoreExceptions");
      // copied element by element so the varargs array never escapes (no heap pollution)
      Class<?>[] copy = new Class<?>[types.length];
      for (int i = 0; i < types.length; i++) {
        copy[i] = requireNonNull(types[i], "ignoreExceptions[" + i + "]");
      }
      this.ignoredExceptions = copy;
      return this;
    }

    /**
     * Adds a rule saying which results of type {@code type} count as failures, e.g. an HTTP 503:
     * {@code recordResult(HttpResponse.class, r -> r.statusCode() >= 500)}. The predicate is
     * applied only to non-null results that are instances of {@code type}, so a rule can never
     * fire on (or fail with a {@code ClassCastException} on) a result of another type, and a
     * predicate written for another type does not compile. A result is a failure when any rule
     * added to this builder matches it (default: no rule, no result is a failure). If a
     * predicate throws, the call's permit is released uncounted and the exception propagates.
     *
     * @param <T> the result type the rule applies to
     * @param type the class of results the rule applies to, non-null
     * @param predicate non-null, thread-safe
     * @return this builder
     * @throws NullPointerException if {@code type} or {@code predicate} is null
     */
    public <T> Builder recordResult(Class<T> type, Predicate<? super T> predicate) {
      Objects.requireNonNull(type, "recordResult type must not be null");
      Objects.requireNonNull(predicate, "recordResult predicate must not be null");
      resultRules.add(ResultRule.of(type, predicate));
      return this;
    }

    /**
     * Adds a rule applied to every result, including {@code null}:
     * {@code recordResult(r -> r == null)}. For a rule about one type, use
     * {@link #recordResult(Class, Predicate)}, which is checked by the compiler.
     *
     * @param predicate non-null, thread-safe; given the raw result of the operation
     * @return this builder
     * @throws NullPointerException if {@code predicate} is null
     */
    public Builder recordResult(Predicate<Object> predicate) {
      Objects.requireNonNull(predicate, "recordResult predicate must not be null");
      resultRules.add(ResultRule.any(predicate));
      return this;
    }

    /**
     * The nanosecond time source (default {@link System#nanoTime()}); tests pass a fake one.
     *
     * @param ticker non-null, thread-safe
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Trips on the failure rate of the last {@code calls} calls instead of consecutive failures:
     * {@code slidingWindow(COUNT_BASED, 100)}. The window holds the outcomes of the current
     * CLOSED period only; it starts empty each time the breaker closes.
     *
     * @param type {@link SlidingWindowType#COUNT_BASED}
     * @param calls the window size, in [1, 10000]
     * @return this builder
     */
    public Builder slidingWindow(SlidingWindowType type, int calls) {
      this.windowSet = true;
      this.windowType = requireNonNull(type, "slidingWindow type");
      this.windowSize = calls;
      this.windowLength = null;
      this.windowSizedByDuration = false;
      return this;
    }

    /**
     * Trips on the failure rate of the calls of the last {@code length} instead of consecutive
     * failures: {@code slidingWindow(TIME_BASED, Duration.ofSeconds(10))}. The window is kept in
     * 10 buckets of {@code length / 10} and slides a bucket at a time.
     *
     * @param type {@link SlidingWindowType#TIME_BASED}
     * @param length the window length, in [100 ms, 1 day]
     * @return this builder
     */
    public Builder slidingWindow(SlidingWindowType type, Duration length) {
      this.windowSet = true;
      this.windowType = requireNonNull(type, "slidingWindow type");
      this.windowLength = requireNonNull(length, "slidingWindow length");
      this.windowSize = 0;
      this.windowSizedByDuration = true;
      return this;
    }

    /**
     * With a sliding window: the failure rate, in percent, at or above which the breaker opens
     * (default 50: 50 failures of 100 calls open it).
     *
     * @param percent in [1, 100]
     * @return this builder
     */
    public Builder failureRateThreshold(int percent) {
      this.failureRateThreshold = percent;
      this.failureRateSet = true;
      return this;
    }

    /**
     * With a sliding window: no verdict before the window holds this many calls (default 100, or
     * the window size if smaller).
     *
     * @param calls in [1, window size] for a count-based window, [1, 1000000] for a time-based one
     * @return this builder
     */
    public Builder minimumNumberOfCalls(int calls) {
      this.minimumNumberOfCalls = calls;
      this.minimumCallsSet = true;
      return this;
    }

    /**
     * With a sliding window: calls that take longer than {@code threshold} (successful or not)
     * are slow. Only when this is set does the breaker time calls (two ticker reads per call).
     * In HALF_OPEN a slow probe counts as a failed probe.
     *
     * @param threshold in [1 ns, 1 day]
     * @return this builder
     */
    public Builder slowCallDurationThreshold(Duration threshold) {
      this.slowCallDuration = requireNonNull(threshold, "slowCallDurationThreshold");
      this.slowCallDurationSet = true;
      return this;
    }

    /**
     * With slow-call detection: the slow-call rate, in percent, at or above which the breaker
     * opens (default 100).
     *
     * @param percent in [1, 100]
     * @return this builder
     */
    public Builder slowCallRateThreshold(int percent) {
      this.slowCallRateThreshold = percent;
      this.slowCallRateSet = true;
      return this;
    }

    /**
     * Turns call statistics on ({@link CircuitBreaker#stats()}): successful, failed, ignored and
     * rejected calls, transitions, success rate. Off by default, and then a breaker's paths and
     * size are exactly as without this feature. On: each call adds to striped counters (one
     * uncontended CAS while a single thread uses the breaker, a cell per thread under
     * contention, no allocation per call) and a breaker is 112 bytes larger (JOL).
     *
     * @return this builder
     */
    public Builder recordStats() {
      this.recordStats = true;
      return this;
    }

    /**
     * Turns call statistics on and adds latency: every call through {@code call}, {@code supply},
     * {@code run} and {@code callAsync} is timed (two ticker reads, the same ones slow-call
     * detection uses), and {@link CircuitBreakerStats#totalLatency()} and
     * {@link CircuitBreakerStats#averageLatency()} sum them.
     *
     * @return this builder
     */
    public Builder recordLatency() {
      this.recordLatency = true;
      this.latencyRecorders = null;
      return this;
    }

    /**
     * Like {@link #recordLatency()}, but each breaker sends its call durations to the recorder
     * {@code factory} makes for it (a metrics library's timer, say) instead of keeping its own
     * sum, so latency is not counted twice; {@link CircuitBreakerStats} reads it from there.
     *
     * @param factory makes one recorder per breaker, non-null
     * @return this builder
     * @throws NullPointerException if {@code factory} is null
     */
    public Builder recordLatency(LatencyRecorder.Factory factory) {
      this.latencyRecorders = requireNonNull(factory, "latency recorder factory");
      this.recordLatency = true;
      return this;
    }

    /**
     * Tests the dependency with {@code healthCheck} when the open timeout passes, instead of
     * letting real calls probe it: real calls stay rejected until the checks have closed the
     * breaker (or, with {@link HealthCheck.Builder#handOverAfter}, until enough checks passed).
     * See {@link HealthCheck}.
     *
     * @param healthCheck the check, non-null; may be shared by many breakers
     * @return this builder
     * @throws NullPointerException if {@code healthCheck} is null
     */
    public Builder healthCheck(HealthCheck healthCheck) {
      this.healthCheck = requireNonNull(healthCheck, "healthCheck");
      return this;
    }

    /**
     * Validates the settings and returns the config.
     *
     * @return a new immutable config
     * @throws IllegalArgumentException naming the first invalid setting, its value and the
     *     allowed range
     */
    public CircuitBreakerConfig build() {
      checkRange("failureThreshold", failureThreshold, 1, BreakerWord.MAX_FAILURES);
      checkRange("successThreshold", successThreshold, 1, BreakerWord.MAX_PROBES);
      checkRange("halfOpenMaxCalls", halfOpenMaxCalls, 1, BreakerWord.MAX_PROBES);
      checkDuration("openTimeout", openTimeout, MIN_OPEN_TIMEOUT);
      if (!(backoffMultiplier >= 1.0 && backoffMultiplier <= MAX_BACKOFF_MULTIPLIER)) {
        throw new IllegalArgumentException("openTimeoutBackoff multiplier must be in [1.0, "
            + MAX_BACKOFF_MULTIPLIER + "]: " + backoffMultiplier);
      }
      if (backoff) {
        checkDuration("openTimeoutBackoff maxOpenTimeout", maxOpenTimeout, openTimeout);
      }
      checkWindow();
      return new CircuitBreakerConfig(this);
    }

    private void checkWindow() {
      if (!windowSet) {
        String orphan = failureRateSet ? "failureRateThreshold"
            : minimumCallsSet ? "minimumNumberOfCalls"
            : slowCallDurationSet ? "slowCallDurationThreshold"
            : slowCallRateSet ? "slowCallRateThreshold" : null;
        if (orphan != null) {
          throw new IllegalArgumentException(orphan
              + " needs a sliding window: call slidingWindow(COUNT_BASED, n) or"
              + " slidingWindow(TIME_BASED, duration)");
        }
        return;
      }
      if (failureThresholdSet) {
        throw new IllegalArgumentException("failureThreshold (" + failureThreshold
            + " consecutive failures) and slidingWindow(" + windowType + ", ...) are alternative"
            + " ways to trip; set one of them (with a window, use failureRateThreshold)");
      }
      if (windowType == SlidingWindowType.COUNT_BASED) {
        if (windowSizedByDuration) {
          throw new IllegalArgumentException(
              "slidingWindow(COUNT_BASED, ...) is sized in calls, not by a Duration: " + windowLength);
        }
        checkRange("slidingWindow size", windowSize, 1, MAX_WINDOW_SIZE);
      } else {
        if (!windowSizedByDuration) {
          throw new IllegalArgumentException(
              "slidingWindow(TIME_BASED, ...) is sized by a Duration, not in calls: " + windowSize);
        }
        checkDuration("slidingWindow length", windowLength, MIN_WINDOW_LENGTH, MAX_WINDOW_LENGTH);
      }
      checkRange("failureRateThreshold", failureRateThreshold, 1, 100);
      if (minimumCallsSet) {
        // a count window never holds more calls than its size
        checkRange("minimumNumberOfCalls", minimumNumberOfCalls, 1,
            windowType == SlidingWindowType.COUNT_BASED ? windowSize : MAX_MINIMUM_CALLS);
      }
      if (slowCallDurationSet) {
        checkDuration("slowCallDurationThreshold", slowCallDuration, Duration.ofNanos(1),
            MAX_WINDOW_LENGTH);
      } else if (slowCallRateSet) {
        throw new IllegalArgumentException(
            "slowCallRateThreshold needs slowCallDurationThreshold to say what a slow call is");
      }
      checkRange("slowCallRateThreshold", slowCallRateThreshold, 1, 100);
    }

    private static void checkRange(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be in [" + min + ", " + max + "]: " + value);
      }
    }

    private static void checkDuration(String name, Duration value, Duration min) {
      checkDuration(name, value, min, MAX_OPEN_TIMEOUT);
    }

    private static void checkDuration(String name, Duration value, Duration min, Duration max) {
      if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be in [" + min + ", " + max + "]: " + value);
      }
    }

    private static <T> T requireNonNull(T value, String name) {
      return Objects.requireNonNull(value, () -> name + " must not be null");
    }
  }
}
