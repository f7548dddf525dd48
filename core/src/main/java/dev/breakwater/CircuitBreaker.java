package dev.breakwater;

import static dev.breakwater.BreakerWord.CLOSED;
import static dev.breakwater.BreakerWord.FORCED_OPEN;
import static dev.breakwater.BreakerWord.HALF_OPEN;
import static dev.breakwater.BreakerWord.IN_FLIGHT_ONE;
import static dev.breakwater.BreakerWord.OPEN;
import static dev.breakwater.BreakerWord.SUCCESS_ONE;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A lock-free circuit breaker: CLOSED, OPEN, HALF_OPEN (and FORCED_OPEN), with every counter in
 * one 64-bit word changed only by compare-and-set.
 *
 * <pre>{@code
 * CircuitBreaker redis = CircuitBreaker.ofDefaults("redis");
 * String v = redis.call(() -> jedis.get(key));   // throws CallNotPermittedException when open
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ol>
 *   <li><b>CLOSED</b>: calls are admitted. A failure adds one to the consecutive-failure count, a
 *       success sets it to zero; when the count reaches {@code failureThreshold} the breaker
 *       opens. With a sliding window instead, outcomes are recorded in the window and the breaker
 *       opens when its failure or slow-call rate reaches its threshold, once the window holds
 *       {@code minimumNumberOfCalls} calls.
 *   <li><b>OPEN</b>: calls are rejected until the open timeout (the base timeout times the
 *       backoff) has passed since it opened. The first call at or after that moment moves the
 *       breaker to HALF_OPEN and is admitted as its first probe. There is no background thread:
 *       the transition happens on that caller's thread.
 *   <li><b>HALF_OPEN</b>: at most {@code halfOpenMaxCalls} probes are in flight at once; other
 *       calls are rejected. {@code successThreshold} successes close the breaker (counts zero,
 *       backoff back to its base); any failure re-opens it with the next backoff step.
 *   <li><b>Generations</b>: every transition and every {@link #reset()} starts a new generation.
 *       A permit carries the generation that admitted it; an outcome reported with a permit of an
 *       older generation is ignored: it neither counts nor frees a probe slot of the new state.
 *       (Generations are counted modulo 2<sup>16</sup>: a permit held across exactly a multiple of
 *       65,536 state changes would be taken as current.)
 *   <li><b>Never stuck</b>: if all probe slots of a HALF_OPEN period are taken and the period is
 *       older than the (base) open timeout, the next caller that would be rejected treats the
 *       outstanding probes as failed and re-opens the breaker. A call that throws an
 *       {@link Error}, a cancelled async call, a throwing classifier predicate and a throwing
 *       listener all release the permit they hold.
 *   <li><b>Announcements</b>: each transition is made by exactly one thread, the winner of the
 *       CAS, which then announces it exactly once to the {@link StateChangeListener}s and to the
 *       {@link System.Logger} named {@code dev.breakwater.CircuitBreaker} (WARNING when opening,
 *       INFO otherwise).
 *   <li><b>FORCED_OPEN</b>: after {@link #forceOpen()} every call is rejected until
 *       {@link #reset()}.
 * </ol>
 *
 * <h2>Cost</h2>
 * In CLOSED, admitting a call is one volatile read and a success with no failure pending writes
 * nothing to shared memory, so the common path scales across cores. A rejection in OPEN is one
 * read of the word and one read of the ticker. Nothing on these paths allocates (the high-level
 * {@link #call} allocates only the {@link CallNotPermittedException} of a rejection). An instance
 * is a 40-byte object beyond its name and its shared {@link CircuitBreakerConfig} (plus its
 * window, when a failure-rate policy is configured).
 *
 * <h2>Implementation notes</h2>
 * The word's layout is documented in {@code BreakerWord}. Each operation is a loop of: read the
 * word (acquire), decide, CAS the next word. A CAS fails only when another thread changed the word
 * in between, which means that thread made progress, so the loops are lock-free; a retry re-reads
 * and re-decides from scratch, so no decision is ever taken on a stale word. Each loop has a
 * linearization point: the successful CAS, or for operations that write nothing (admission in
 * CLOSED, a success with no failures pending, a stale outcome) the read of the word. Listeners and
 * logging run after the loop, on the thread whose CAS made the transition.
 *
 * <p>The only fields besides the word are final (name, config) or the listener array, which is
 * itself replaced only by CAS with a fresh copy.
 */
public final class CircuitBreaker {

  /** The states of a breaker. */
  public enum State {
    /** Calls flow; consecutive failures are counted. */
    CLOSED,
    /** Calls are rejected until the open timeout passes. */
    OPEN,
    /** A limited number of probe calls test the dependency. */
    HALF_OPEN,
    /**
     * Calls are rejected until {@link CircuitBreaker#reset()}, or, after
     * {@link CircuitBreaker#forceOpen(Duration)}, until that duration has passed (then the next
     * call is a probe, as when an open timeout passes).
     */
    FORCED_OPEN,
    /**
     * An operator's kill switch ({@link CircuitBreaker#disable()}): every call is admitted and
     * nothing is recorded, until {@link CircuitBreaker#reset()} or another state is forced.
     */
    DISABLED,
    /**
     * Every call is admitted and outcomes are counted (consecutive failures or the sliding
     * window, and statistics), but the breaker never trips ({@link CircuitBreaker#metricsOnly()}):
     * to watch what a breaker would do before enforcing it.
     */
    METRICS_ONLY;

    private static final State[] BY_ORDINAL = values();

    static State of(int ordinal) {
      return BY_ORDINAL[ordinal];
    }
  }

  /**
   * The value {@link #tryAcquire()} returns when a call is not admitted. Permits are never
   * negative.
   */
  public static final long REJECTED = -1L;

  private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());
  private static final StateChangeListener[] NO_LISTENERS = new StateChangeListener[0];
  private static final VarHandle WORD;
  private static final VarHandle LISTENERS;
  private static final VarHandle CONFIG;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      WORD = lookup.findVarHandle(CircuitBreaker.class, "word", long.class);
      CONFIG = lookup.findVarHandle(CircuitBreaker.class, "config", CircuitBreakerConfig.class);
      LISTENERS = lookup.findVarHandle(
          CircuitBreaker.class, "listeners", StateChangeListener[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  // The settings: replaced only by reconfigure(), each read once per operation into a local.
  // Plain fields (volatile ones cost 2-3 ns per call: the JIT can no longer merge the reads of
  // one call), published by reconfigure()'s volatile read-modify-write of the word, which every
  // later word update reads: an operation that has read the word with acquire since then sees
  // the new settings, so a thread's next operation after a reconfiguration uses them (a plain
  // read cannot be hoisted above the acquire of the word in each operation). Their objects are
  // safe to publish racily (final fields; a window's thresholds are volatile). Any mix of old
  // and new among them is valid (see Reconfiguration), and the word never depends on which
  // config reads it (it carries the units of its time fields).
  private CircuitBreakerConfig config;
  /** The failure-rate policy; null when counting consecutive failures (the default). */
  private SlidingWindow window;
  /** Call statistics; null unless the config records them. */
  private CallStats stats;
  /** All mutable state; see {@link BreakerWord}. Changed only by CAS. */
  @SuppressWarnings("unused") // accessed through WORD
  private volatile long word;
  /** Copy-on-write; replaced only by CAS. */
  private volatile StateChangeListener[] listeners;

  private CircuitBreaker(String name, CircuitBreakerConfig config,
      StateChangeListener[] listeners) {
    this.name = name;
    this.config = config;
    this.listeners = listeners;
    this.window = config.newWindow();
    this.stats = Reconfiguration.newStats(name, config);
    this.word = BreakerWord.closed(0, 0);
  }

  /**
   * Creates a breaker, CLOSED.
   *
   * @param name a name for logs, listeners and exceptions; non-null
   * @param config its settings; may be shared with other breakers
   * @return a new breaker
   * @throws NullPointerException if {@code name} or {@code config} is null
   */
  public static CircuitBreaker of(String name, CircuitBreakerConfig config) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(config, "config must not be null");
    return new CircuitBreaker(name, config, NO_LISTENERS);
  }

  /**
   * Creates a breaker whose listener array starts as {@code listeners}, which may be shared by
   * many breakers (a registry's): arrays are copy-on-write, never mutated after publication.
   */
  static CircuitBreaker create(String name, CircuitBreakerConfig config,
      StateChangeListener[] listeners) {
    return new CircuitBreaker(name, config, listeners);
  }

  /**
   * Replaces this breaker's config in place, keeping its state, generation and (where the shape
   * allows) counts: see {@link Reconfiguration} for exactly what carries over. Lock-free: the
   * config is replaced by a CAS, and the window and statistics are then made to fit the config
   * found in the field, again until it stays the same, so concurrent reconfigurations converge
   * on the last one installed without either waiting for the other. Calls go on meanwhile.
   */
  void reconfigure(CircuitBreakerConfig next) {
    // CAS loop: retried only when another reconfiguration installed its config meanwhile.
    for (;;) {
      final CircuitBreakerConfig prev = (CircuitBreakerConfig) CONFIG.getVolatile(this);
      Reconfiguration.check(name, prev, next);
      if (CONFIG.compareAndSet(this, prev, next)) {
        break;
      }
    }
    // Fit window and statistics to the config now installed; a concurrent reconfiguration may
    // have written the parts of an older config after we read: check and fit again. Each pass
    // is idempotent, and the loop ends once a pass saw the config unchanged. A racing reader may
    // see any mix of old and new parts (plain fields): every path reads each once, null-checks
    // window and stats, and is valid with any combination.
    CircuitBreakerConfig fitted;
    do {
      fitted = (CircuitBreakerConfig) CONFIG.getVolatile(this);
      final SlidingWindow before = window;
      final SlidingWindow after = Reconfiguration.window(before, fitted);
      window = after;
      stats = Reconfiguration.stats(name, stats, fitted);
      if (Reconfiguration.zeroesFailures(before, after)) {
        zeroFailures();
      }
      // Publish: a volatile RMW of the word that changes nothing. Every later CAS of the word
      // reads it (or a later one), and every operation reads the word with acquire.
      WORD.getAndAdd(this, 0L);
    } while (CONFIG.getVolatile(this) != fitted);
  }

  /**
   * Zeroes the consecutive-failure count of the CLOSED-like period, same generation (it means
   * nothing to the other counting mode). CAS loop: retried only when the word moved.
   */
  private void zeroFailures() {
    for (;;) {
      long w = word();
      if (!BreakerWord.isRecording(w) || BreakerWord.failures(w) == 0) {
        return;
      }
      long zeroed = BreakerWord.state(w) == CLOSED
          ? BreakerWord.closed(BreakerWord.generation(w), 0)
          : BreakerWord.metricsOnly(BreakerWord.generation(w), 0);
      if (cas(w, zeroed)) {
        return;
      }
    }
  }

  /**
   * Creates a breaker with {@link CircuitBreakerConfig#defaults()}.
   *
   * @param name a name for logs, listeners and exceptions; non-null
   * @return a new breaker
   * @throws NullPointerException if {@code name} is null
   */
  public static CircuitBreaker ofDefaults(String name) {
    return of(name, CircuitBreakerConfig.defaults());
  }

  // ------------------------------------------------------------------ high-level API

  /**
   * Runs {@code operation} if the breaker admits it and records its outcome.
   *
   * @param <T> the result type
   * @param operation the protected call
   * @return what {@code operation} returned
   * @throws CallNotPermittedException if the breaker does not admit the call
   * @throws Exception whatever {@code operation} threw, unchanged
   */
  public <T> T call(Callable<? extends T> operation) throws Exception {
    Objects.requireNonNull(operation, "operation must not be null");
    return call(operation, null);
  }

  /**
   * {@link #call}; {@code inner} non-null means "the admitted call is the rest of a pipeline"
   * (its breaker stage: no lambda, no allocation per call).
   */
  <T> T call(Callable<? extends T> operation, Pipeline.Stage<T> inner) throws Exception {
    long permit = admit();
    if (permit < 0) {
      throw rejection(permit);
    }
    final long start = startTiming();
    final T result;
    try {
      result = inner == null ? operation.call() : inner.run(operation);
    } catch (Throwable t) {
      onThrowable(permit, t, start);
      throw t;
    }
    onResult(permit, result, start);
    return result;
  }

  /**
   * Like {@link #call} for an operation that throws no checked exception.
   *
   * @param <T> the result type
   * @param operation the protected call
   * @return what {@code operation} returned
   * @throws CallNotPermittedException if the breaker does not admit the call
   */
  public <T> T supply(Supplier<? extends T> operation) {
    Objects.requireNonNull(operation, "operation must not be null");
    long permit = admit();
    if (permit < 0) {
      throw rejection(permit);
    }
    final long start = startTiming();
    final T result;
    try {
      result = operation.get();
    } catch (Throwable t) {
      onThrowable(permit, t, start);
      throw t;
    }
    onResult(permit, result, start);
    return result;
  }

  /**
   * Runs {@code operation} if the breaker admits it and records its outcome.
   *
   * @param operation the protected call
   * @throws CallNotPermittedException if the breaker does not admit the call
   */
  public void run(Runnable operation) {
    Objects.requireNonNull(operation, "operation must not be null");
    long permit = admit();
    if (permit < 0) {
      throw rejection(permit);
    }
    final long start = startTiming();
    try {
      operation.run();
    } catch (Throwable t) {
      onThrowable(permit, t, start);
      throw t;
    }
    onResult(permit, null, start);
  }

  /**
   * Starts an asynchronous operation if the breaker admits it; its outcome is recorded when the
   * stage completes. Never throws for a rejection: the returned stage fails with
   * {@link CallNotPermittedException} instead.
   *
   * <p>The returned stage is a {@link CompletableFuture}. Whatever completes it first decides the
   * outcome recorded: the operation's stage (classified like a synchronous result or
   * throwable), a caller's {@code complete}/{@code completeExceptionally} (including
   * {@code orTimeout}, whose {@code TimeoutException} counts as a failure by default), or
   * {@code cancel}, which releases the permit without counting it and cancels the operation's
   * own stage if that is a {@link java.util.concurrent.Future}. A {@code CancellationException}
   * from the operation's own stage is likewise ignored.
   *
   * @param <T> the result type
   * @param operation starts the call; run at most once, on the calling thread
   * @return a stage that completes with the operation's result or failure
   */
  public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> operation) {
    Objects.requireNonNull(operation, "operation must not be null");
    long permit = admit();
    if (permit < 0) {
      return CompletableFuture.failedFuture(rejection(permit));
    }
    AsyncCall<T> call = new AsyncCall<>(this, permit, startTiming());
    CompletionStage<T> stage;
    try {
      stage = Objects.requireNonNull(operation.get(), "operation returned a null stage");
    } catch (Throwable t) {
      call.accept(null, t);
      return call;
    }
    call.attach(stage);
    return call;
  }

  // ------------------------------------------------------------------ manual permit API

  /**
   * Asks for a permit to make one call. A non-negative result is a permit: make the call, then
   * report its outcome exactly once with {@link #onSuccess}, {@link #onFailure} or
   * {@link #onIgnored}. {@link #REJECTED} means the call must not be made.
   *
   * <p>Reporting a permit twice is a caller error that the breaker cannot always detect (permits
   * are not individually tracked, to keep the breaker allocation-free); in HALF_OPEN a report for
   * a generation with no probe in flight is dropped.
   *
   * @return a permit (in [0, 65535]) or {@link #REJECTED}
   */
  public long tryAcquire() {
    long permit = admit();
    return permit < 0 ? REJECTED : permit;
  }

  /**
   * Reports that the call admitted with {@code permit} succeeded.
   *
   * @param permit a value returned by {@link #tryAcquire()}
   * @throws IllegalArgumentException if {@code permit} is not a permit (e.g. {@link #REJECTED})
   */
  public void onSuccess(long permit) {
    checkPermit(permit);
    count(CallStats.SUCCESSFUL, UNTIMED);
    success(permit);
  }

  /**
   * Reports that the call admitted with {@code permit} failed.
   *
   * @param permit a value returned by {@link #tryAcquire()}
   * @throws IllegalArgumentException if {@code permit} is not a permit (e.g. {@link #REJECTED})
   */
  public void onFailure(long permit) {
    checkPermit(permit);
    count(CallStats.FAILED, UNTIMED);
    failure(permit);
  }

  /**
   * Reports that the call admitted with {@code permit} succeeded after {@code durationNanos}; with
   * slow-call detection configured, a call slower than the threshold counts as slow.
   *
   * @param permit a value returned by {@link #tryAcquire()}
   * @param durationNanos how long the call took, at least 0
   * @throws IllegalArgumentException if {@code permit} is not a permit or the duration is
   *     negative
   */
  public void onSuccess(long permit, long durationNanos) {
    checkPermit(permit);
    checkDuration(durationNanos);
    count(CallStats.SUCCESSFUL, durationNanos);
    success(permit, durationNanos, UNKNOWN_TIME);
  }

  /**
   * Reports that the call admitted with {@code permit} failed after {@code durationNanos}; with
   * slow-call detection configured, a call slower than the threshold also counts as slow.
   *
   * @param permit a value returned by {@link #tryAcquire()}
   * @param durationNanos how long the call took, at least 0
   * @throws IllegalArgumentException if {@code permit} is not a permit or the duration is
   *     negative
   */
  public void onFailure(long permit, long durationNanos) {
    checkPermit(permit);
    checkDuration(durationNanos);
    count(CallStats.FAILED, durationNanos);
    failure(permit, durationNanos, UNKNOWN_TIME);
  }

  /**
   * Reports that the call admitted with {@code permit} ended without a verdict (ignored
   * exception, cancellation): it counts as neither success nor failure, and frees its probe slot
   * in HALF_OPEN.
   *
   * @param permit a value returned by {@link #tryAcquire()}
   * @throws IllegalArgumentException if {@code permit} is not a permit (e.g. {@link #REJECTED})
   */
  public void onIgnored(long permit) {
    checkPermit(permit);
    count(CallStats.IGNORED, UNTIMED);
    ignored(permit);
  }

  // ------------------------------------------------------------------ state and control

  /**
   * The current state. A breaker whose open timeout has passed still reads OPEN until a call
   * moves it to HALF_OPEN.
   *
   * @return the state
   */
  public State state() {
    return State.of(BreakerWord.publicState(word()));
  }

  /**
   * How long until this breaker admits a probe, as of now: in OPEN, the time until the open
   * timeout (with its backoff) has passed, rounded up to the deadline's resolution (at most
   * max(1 &micro;s, 1/1000 of the wait) more than the exact time); {@link Duration#ZERO} once it has
   * passed (the next call will be the probe) and in CLOSED and HALF_OPEN;
   * {@code Duration.ofNanos(Long.MAX_VALUE)} in FORCED_OPEN (not until {@link #reset()}), the time
   * left of a {@link #forceOpen(Duration)}, {@link Duration#ZERO} in DISABLED and METRICS_ONLY. The same
   * value a rejection's {@link CallNotPermittedException#retryAfter()} carries. Reads the ticker
   * in OPEN only.
   *
   * @return the remaining open time, never negative
   */
  public Duration remainingOpenTime() {
    long w = word();
    switch (BreakerWord.state(w)) {
      case OPEN:
        return Duration.ofNanos(openWait(w, config.ticker.read(), config));
      case FORCED_OPEN:
        switch (BreakerWord.mode(w)) {
          case BreakerWord.MODE_FORCED_OPEN:
            return Duration.ofNanos(Long.MAX_VALUE);
          case BreakerWord.MODE_FORCED_UNTIL:
            return Duration.ofNanos(forcedWait(w, config.ticker.read()));
          default:
            return Duration.ZERO;
        }
      default:
        return Duration.ZERO;
    }
  }

  /**
   * Consecutive failures counted in the current CLOSED (or METRICS_ONLY) period; 0 in the other
   * states.
   *
   * @return the failure count
   */
  public int failureCount() {
    long w = word();
    return BreakerWord.isRecording(w) ? BreakerWord.failures(w) : 0;
  }

  /**
   * Successes counted in the current HALF_OPEN period; 0 in the other states.
   *
   * @return the success count
   */
  public int successCount() {
    long w = word();
    return BreakerWord.state(w) == HALF_OPEN ? BreakerWord.successes(w) : 0;
  }

  /**
   * Probes admitted and not yet reported in the current HALF_OPEN period; 0 in the other states.
   *
   * @return the number of probes in flight
   */
  public int probesInFlight() {
    long w = word();
    return BreakerWord.state(w) == HALF_OPEN ? BreakerWord.inFlight(w) : 0;
  }

  /**
   * Consecutive re-opens from HALF_OPEN behind the current OPEN or HALF_OPEN period (the backoff
   * step); 0 in CLOSED and FORCED_OPEN. It stops growing at the first level whose timeout
   * reaches the backoff cap (and at 63 at most).
   *
   * @return the backoff level, in [0, 63]
   */
  public int backoffLevel() {
    long w = word();
    int s = BreakerWord.state(w);
    return s == OPEN || s == HALF_OPEN ? BreakerWord.level(w) : 0;
  }

  /**
   * A snapshot of the sliding window (calls, failed, slow, rates), read without locking. For a
   * breaker that counts consecutive failures, the snapshot has no type and no calls.
   *
   * @return the window's current metrics
   */
  public WindowMetrics metrics() {
    SlidingWindow w = window;
    if (w == null) {
      return new WindowMetrics(null, 0, 0, 0, 0);
    }
    // The word decides whose calls are shown: in CLOSED, its own generation's (so a breaker that
    // just closed or was reset shows an empty window, not the one that opened it); otherwise the
    // last CLOSED period's, frozen, which says why the breaker opened.
    long word = word();
    int generation = BreakerWord.isRecording(word) ? BreakerWord.generation(word) : -1;
    long now = w.needsClock() ? config.ticker.read() : 0;
    return w.metrics(generation, now);
  }

  /**
   * A snapshot of this breaker's call statistics: successful, failed, ignored and rejected
   * calls, transitions, success rate and (with {@code recordLatency()}) latency. Without
   * {@link CircuitBreakerConfig.Builder#recordStats()} every count is zero and
   * {@link CircuitBreakerStats#isRecording()} is false. Reads the counters without stopping
   * writers; allocates the snapshot.
   *
   * @return the statistics as of now
   */
  public CircuitBreakerStats stats() {
    final CallStats s = stats;
    return s == null ? CircuitBreakerStats.notRecording() : s.snapshot(config.ticker);
  }

  /**
   * The name given at creation.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The settings given at creation.
   *
   * @return the config
   */
  public CircuitBreakerConfig config() {
    return config;
  }

  /**
   * Moves the breaker to CLOSED with zero counts and the backoff at its base, from any state.
   * Starts a new generation: outcomes of calls admitted before the reset are ignored.
   */
  public void reset() {
    hold(CLOSED_TARGET, 0);
  }

  /**
   * Moves the breaker to FORCED_OPEN: every call is rejected until {@link #reset()}. Starts a new
   * generation. Does nothing if already FORCED_OPEN indefinitely.
   */
  public void forceOpen() {
    hold(BreakerWord.MODE_FORCED_OPEN, 0);
  }

  /**
   * Moves the breaker to FORCED_OPEN for {@code duration}: every call is rejected until it has
   * passed (never early, at most max(1 &micro;s, duration / 1000) late), then the next call is
   * admitted as the first probe of a HALF_OPEN period with the backoff at its base, as when an
   * open timeout passes. {@link #reset()} or another control ends it early. Starts a new
   * generation; replaces an earlier forced state.
   *
   * @param duration how long to reject, in [1 ns, 365 days]
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is out of range
   */
  public void forceOpen(Duration duration) {
    Objects.requireNonNull(duration, "duration must not be null");
    if (duration.isNegative() || duration.isZero()
        || duration.compareTo(CircuitBreakerConfig.MAX_OPEN_TIMEOUT) > 0) {
      throw new IllegalArgumentException("duration must be in [PT0.000000001S, "
          + CircuitBreakerConfig.MAX_OPEN_TIMEOUT + "]: " + duration);
    }
    hold(BreakerWord.MODE_FORCED_UNTIL, duration.toNanos());
  }

  /**
   * Moves the breaker to DISABLED, an operator's kill switch: every call is admitted and nothing
   * is recorded until {@link #reset()} (or another forced state). Starts a new generation; does
   * nothing if already DISABLED.
   */
  public void disable() {
    hold(BreakerWord.MODE_DISABLED, 0);
  }

  /**
   * Moves the breaker to METRICS_ONLY: every call is admitted and its outcome is counted (the
   * consecutive failures, or the sliding window, from zero) but the breaker never trips, until
   * {@link #reset()} (or another forced state). For watching a breaker's verdicts before
   * enforcing them. Starts a new generation; does nothing if already METRICS_ONLY.
   */
  public void metricsOnly() {
    hold(BreakerWord.MODE_METRICS_ONLY, 0);
  }

  /** {@link #hold}'s target for {@link #reset()}. */
  private static final int CLOSED_TARGET = -1;

  /**
   * The operator's transitions: to CLOSED ({@code target} {@link #CLOSED_TARGET}) or to a held
   * mode ({@code nanos}: the duration of a timed FORCED_OPEN), from any state, by one CAS.
   */
  private void hold(int target, long nanos) {
    long w;
    long next;
    // CAS loop: retried only when another thread changed the word, i.e. made progress.
    do {
      w = word();
      int generation = BreakerWord.nextGeneration(w);
      if (target == CLOSED_TARGET) {
        next = BreakerWord.closed(generation, 0);
      } else if (target == BreakerWord.MODE_FORCED_UNTIL) {
        int shift = CircuitBreakerConfig.deadlineShift(nanos);
        next = BreakerWord.forcedOpenUntil(generation, shift,
            BreakerWord.deadlineUnits(config.ticker.read(), nanos, shift));
      } else if (BreakerWord.state(w) == FORCED_OPEN && BreakerWord.mode(w) == target) {
        return; // already there
      } else if (target == BreakerWord.MODE_FORCED_OPEN) {
        next = BreakerWord.forcedOpen(generation);
      } else if (target == BreakerWord.MODE_DISABLED) {
        next = BreakerWord.disabled(generation);
      } else {
        next = BreakerWord.metricsOnly(generation, 0);
      }
    } while (!cas(w, next));
    leftClosed(w, next);
    announce(BreakerWord.publicState(w), BreakerWord.publicState(next));
  }

  /**
   * Registers a listener for state changes. It sees only transitions made after this call
   * returns.
   *
   * @param listener called once per transition; see {@link StateChangeListener}
   * @return this breaker
   * @throws NullPointerException if {@code listener} is null
   */
  public CircuitBreaker onStateChange(StateChangeListener listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    StateChangeListener[] current;
    StateChangeListener[] next;
    // Copy-on-write CAS loop: the array is never mutated after publication.
    do {
      current = listeners;
      next = java.util.Arrays.copyOf(current, current.length + 1);
      next[current.length] = listener;
    } while (!LISTENERS.compareAndSet(this, current, next));
    return this;
  }

  /**
   * Removes a listener registered with {@link #onStateChange} (the first registration that is
   * the same object).
   *
   * @param listener the listener to remove
   * @return whether it was registered
   */
  public boolean removeStateChangeListener(StateChangeListener listener) {
    StateChangeListener[] current;
    StateChangeListener[] next;
    do {
      current = listeners;
      int i = 0;
      while (i < current.length && current[i] != listener) {
        i++;
      }
      if (i == current.length) {
        return false;
      }
      next = new StateChangeListener[current.length - 1];
      System.arraycopy(current, 0, next, 0, i);
      System.arraycopy(current, i + 1, next, i, current.length - i - 1);
    } while (!LISTENERS.compareAndSet(this, current, next));
    return true;
  }

  @Override
  public String toString() {
    return "CircuitBreaker{name=" + name + ", " + BreakerWord.toString(word()) + "}";
  }

  // ------------------------------------------------------------------ the state machine

  /**
   * Reads the word with acquire semantics. All writes to the word are CAS (volatile), so acquire
   * is enough to see everything that happened before the CAS that published it; a single-location
   * protocol needs no stronger ordering.
   */
  private long word() {
    return (long) WORD.getAcquire(this);
  }

  /** The sliding window, or null; for tests in this package. */
  SlidingWindow slidingWindow() {
    return window;
  }

  /** The raw state word, for tests in this package. */
  long rawWord() {
    return word();
  }

  /**
   * Whether the word records outcomes (CLOSED or METRICS_ONLY) in {@code generation}; asked by
   * the window (see SlidingWindow).
   */
  boolean isRecordingIn(int generation) {
    long w = word();
    return BreakerWord.isRecording(w) && BreakerWord.generation(w) == generation;
  }

  /** Whether the word's generation is {@code generation}; asked by the window. */
  boolean isInGeneration(int generation) {
    return BreakerWord.generation(word()) == generation;
  }

  /**
   * Called by the thread whose CAS replaced {@code from} with {@code to}: if that left a CLOSED
   * period of a window breaker, the window finishes it (see {@link SlidingWindow#finish}).
   */
  private void leftClosed(long from, long to) {
    final SlidingWindow sw = window;
    if (sw != null && BreakerWord.isRecording(from)) {
      sw.finish(this, BreakerWord.generation(from), BreakerWord.generation(to));
    }
  }

  private boolean cas(long expected, long next) {
    return WORD.compareAndSet(this, expected, next);
  }

  /**
   * Admits a call or not. Returns a permit (the generation, {@code >= 0}) or a negative rejection
   * code {@code -1 - retryAfterNanos}: {@code -1} (retry after 0 ns) for HALF_OPEN,
   * {@link Long#MIN_VALUE} (retry after {@code Long.MAX_VALUE} ns) for FORCED_OPEN, anything else
   * for OPEN. {@link #rejection(long)} turns the code back into an exception.
   */
  long acquire() {
    final CircuitBreakerConfig c = config;
    for (;;) {
      final long w = word();
      switch (BreakerWord.state(w)) {
        case CLOSED:
          // Linearizes at the read: admission in CLOSED changes nothing.
          return BreakerWord.generation(w);
        case OPEN: {
          long now = c.ticker.read();
          long wait = openWait(w, now, c);
          if (wait > 0) {
            return -1 - wait;
          }
          // The deadline has passed (or the word is so old that its deadline wrapped). Exactly
          // one caller wins this CAS and becomes the first probe; losers re-read and compete for
          // the remaining probe slots of the new HALF_OPEN word.
          long next = enterHalfOpen(w, BreakerWord.level(w), now, c);
          if (cas(w, next)) {
            announce(OPEN, HALF_OPEN);
            return firstProbe(next, c);
          }
          break;
        }
        case HALF_OPEN: {
          // With a health check, real calls get no slot until the checks hand over (never, by
          // default): to them the slots are always full, so they run the hung-probe rule below
          // against the checks in flight.
          final HealthCheck h = c.healthCheck;
          final int max = h == null || BreakerWord.successes(w) >= h.handOverAfter
              ? c.halfOpenMaxCalls : 0;
          if (BreakerWord.inFlight(w) < max) {
            // Take a probe slot, clearing any stamp: the slots were not full (a stamp survives
            // here only if a reconfiguration raised the limit, and it predates this probe). A
            // failed CAS means the word moved (slot taken or freed, or a transition): re-decide
            // on the new word so the limit is never exceeded.
            if (cas(w, BreakerWord.unstamped(w) + IN_FLIGHT_ONE)) {
              return BreakerWord.generation(w);
            }
            break;
          }
          long now = c.ticker.read();
          if (!BreakerWord.isFullSeen(w) || BreakerWord.sinceShift(w) != c.sinceShift) {
            // The first caller to find every slot taken since the last slot change stamps the
            // time: every probe now in flight was admitted before it, and any later slot change
            // clears the stamp. So "stamped at least a timeout ago" means "every probe in flight
            // is older than the timeout". A stamp in another unit (made under the config this
            // breaker had before a reconfiguration) cannot be compared with this config's
            // timeout: stamping again, later, is never early. A failed CAS means the word
            // moved: re-decide.
            if (cas(w, BreakerWord.fullSeenAt(w, c.sinceShift,
                BreakerWord.sinceUnits(now, c.sinceShift)))) {
              return -1; // all slots busy: retry after 0 ns
            }
            break;
          }
          if (BreakerWord.elapsedSinceUnits(w, now) < c.hungProbeUnits) {
            return -1; // all slots busy: retry after 0 ns
          }
          // Every slot is held by a probe older than the open timeout: they count as failed.
          // The CAS against this exact word makes the re-open happen once per period.
          long reopened = reopened(w, now, c);
          if (cas(w, reopened)) {
            announce(HALF_OPEN, OPEN);
            return -1 - openWait(reopened, now, c);
          }
          break;
        }
        default: {
          // Held by an operator: the mode decides.
          int mode = BreakerWord.mode(w);
          if (mode == BreakerWord.MODE_DISABLED || mode == BreakerWord.MODE_METRICS_ONLY) {
            return BreakerWord.generation(w); // admits, like CLOSED; nothing changes
          }
          if (mode == BreakerWord.MODE_FORCED_OPEN) {
            return Long.MIN_VALUE;
          }
          long now = c.ticker.read();
          long wait = forcedWait(w, now);
          if (wait > 0) {
            return -1 - (FORCED_WAIT_BIAS + wait);
          }
          // The forced duration has passed: like an expired OPEN, exactly one caller wins this
          // CAS and becomes the first probe (backoff at its base); losers re-read.
          long next = enterHalfOpen(w, 0, now, c);
          if (cas(w, next)) {
            announce(FORCED_OPEN, HALF_OPEN);
            return firstProbe(next, c);
          }
          break;
        }
      }
    }
  }

  /**
   * The result of the CAS that took the breaker into the HALF_OPEN word {@code next}: its probe
   * slot is this caller's permit, or, with a health check, the first check's (started here, on
   * the check's executor) and this caller is rejected like any real call in a checked HALF_OPEN.
   * The CAS has exactly one winner per period, so one check chain starts per period.
   */
  private long firstProbe(long next, CircuitBreakerConfig c) {
    int generation = BreakerWord.generation(next);
    final HealthCheck h = c.healthCheck;
    if (h == null) {
      return generation;
    }
    h.start(this, generation);
    return -1; // HALF_OPEN, all slots busy: retry after 0 ns
  }

  /**
   * Takes a probe slot for the next health check of HALF_OPEN generation {@code generation};
   * {@code -1} if the breaker has left it or every slot is taken. Real callers cannot take
   * these slots while checks run (see acquire).
   */
  long acquireCheckSlot(int generation) {
    final CircuitBreakerConfig c = config;
    // CAS loop: retried only when the word changed meanwhile (a report, a stamp, a transition).
    for (;;) {
      final long w = word();
      if (BreakerWord.state(w) != HALF_OPEN || BreakerWord.generation(w) != generation
          || BreakerWord.inFlight(w) >= c.halfOpenMaxCalls) {
        return -1;
      }
      if (cas(w, BreakerWord.unstamped(w) + IN_FLIGHT_ONE)) {
        return generation;
      }
    }
  }

  /**
   * Reports a health check's verdict like a probe's, without counting it in the statistics
   * (checks are not calls).
   */
  void reportCheck(long permit, boolean healthy) {
    if (healthy) {
      success(permit);
    } else {
      failure(permit);
    }
  }

  /** Whether the HALF_OPEN word of {@code generation} still wants health checks. */
  boolean wantsCheck(int generation) {
    final CircuitBreakerConfig c = config;
    final HealthCheck h = c.healthCheck;
    long w = word();
    return h != null && BreakerWord.state(w) == HALF_OPEN
        && BreakerWord.generation(w) == generation && BreakerWord.successes(w) < h.handOverAfter;
  }

  /** Frees a permit without a verdict (a health check's kick that found a real slot). */
  void releasePermit(long permit) {
    ignored(permit);
  }

  /**
   * Added to a timed FORCED_OPEN's wait in a rejection code, so that {@link #rejection} can tell
   * it from OPEN's (waits are below 2^56 ns).
   */
  private static final long FORCED_WAIT_BIAS = 1L << 60;

  /** Like {@link #openWait} for a timed FORCED_OPEN word; 0 once its duration has passed. */
  private static long forcedWait(long w, long now) {
    int shift = BreakerWord.untilShift(w);
    long remaining = BreakerWord.remainingUntilUnits(w, now);
    // a duration is below 2^31 units (see CircuitBreakerConfig.deadlineShift); anything larger
    // is a deadline that wrapped long ago: expired
    if (remaining <= 0 || remaining > (1L << 31) + 1) {
      return 0;
    }
    return (remaining << shift) - (now & ((1L << shift) - 1));
  }

  /**
   * The HALF_OPEN word that follows {@code w} when its wait has passed at {@code now}: a new
   * generation at backoff {@code level}, with the caller's probe in flight. With one slot the
   * slots are full at once, and the caller, which has read the clock anyway, stamps it.
   */
  private static long enterHalfOpen(long w, int level, long now, CircuitBreakerConfig c) {
    long next = BreakerWord.halfOpen(BreakerWord.nextGeneration(w), level, 1, 0, 0);
    return c.halfOpenMaxCalls == 1 || c.healthCheck != null
        ? BreakerWord.fullSeenAt(next, c.sinceShift, BreakerWord.sinceUnits(now, c.sinceShift))
        : next;
  }

  /**
   * Nanoseconds from {@code now} until the OPEN word {@code w} lets a probe go, rounded up to
   * the deadline's unit boundary (exactly when the breaker will admit it); 0 if it may go now.
   * The word carries its deadline's unit, so this reads the same under any config. A remaining
   * time longer than any timeout the word can hold cannot come from a current deadline (the word
   * is older than its deadline's 35-bit range): it is read as expired. The bound is the word's
   * own timeout when {@code c} opened it (same unit), else the longest timeout of that unit.
   */
  private static long openWait(long w, long now, CircuitBreakerConfig c) {
    int shift = BreakerWord.deadlineShift(w);
    long remaining = BreakerWord.remainingUnits(w, now);
    int level = Math.min(BreakerWord.level(w), c.maxLevel);
    long bound = c.deadlineShift(level) == shift ? c.maxRemainingUnits(level)
        : shift < BreakerWord.MAX_DEADLINE_SHIFT ? (1L << BreakerWord.MAX_TIMEOUT_UNIT_BITS) + 1
        : (1L << 31) + 1;
    if (remaining <= 0 || remaining > bound) {
      return 0;
    }
    // remaining units counted from floor(now / unit); subtract the part of the unit already gone
    return (remaining << shift) - (now & ((1L << shift) - 1));
  }

  /**
   * The OPEN word of generation {@code generation} at backoff {@code level} (at most the
   * config's top level: a word may carry a higher one from before a reconfiguration), opened at
   * {@code now}.
   */
  private static long opened(int generation, int level, long now, CircuitBreakerConfig c) {
    int l = Math.min(level, c.maxLevel);
    int shift = c.deadlineShift(l);
    return BreakerWord.open(generation, l, shift,
        BreakerWord.deadlineUnits(now, c.openTimeoutNanos(l), shift));
  }

  /** The OPEN word that follows a failure in the HALF_OPEN word {@code w}: one backoff step up. */
  private static long reopened(long w, long now, CircuitBreakerConfig c) {
    int level = Math.min(BreakerWord.level(w) + 1, c.maxLevel);
    return opened(BreakerWord.nextGeneration(w), level, now, c);
  }

  /** Marks "no duration measured" and "the time is not known yet". */
  static final long UNTIMED = -1;
  private static final long UNKNOWN_TIME = Long.MIN_VALUE;

  private void success(long permit) {
    success(permit, UNTIMED, UNKNOWN_TIME);
  }

  /**
   * Records a success. {@code durationNanos} is the call's duration or {@link #UNTIMED};
   * {@code end} the ticker value at its end, or {@link #UNKNOWN_TIME}.
   */
  private void success(long permit, long durationNanos, long end) {
    final CircuitBreakerConfig c = config;
    final SlidingWindow sw = window;
    for (;;) {
      final long w = word();
      if (BreakerWord.generation(w) != permit) {
        return; // admitted before the latest transition or reset: ignored
      }
      int state = BreakerWord.state(w);
      if (state == CLOSED) {
        if (sw != null) {
          recordInWindow(sw, c, w, WindowTotals.PRESENT | slowBit(c, durationNanos), end);
          return;
        }
        if (BreakerWord.failures(w) == 0) {
          return; // the common case: nothing to write, no cache line to bounce
        }
        if (cas(w, BreakerWord.closed(BreakerWord.generation(w), 0))) {
          return;
        }
      } else if (state == HALF_OPEN) {
        if (BreakerWord.inFlight(w) == 0) {
          return; // a duplicate report: this generation has no probe to account for
        }
        if (slowBit(c, durationNanos) != 0) {
          failure(permit, durationNanos, end); // a slow probe is a failed probe
          return;
        }
        if (BreakerWord.successes(w) + 1 >= c.successThreshold) {
          // The verdict: exactly one reporter wins the CAS and closes the breaker.
          if (cas(w, BreakerWord.closed(BreakerWord.nextGeneration(w), 0))) {
            announce(HALF_OPEN, CLOSED);
            return;
          }
        } else if (cas(w, BreakerWord.unstamped(w) + SUCCESS_ONE - IN_FLIGHT_ONE)) {
          return;
        }
      } else if (BreakerWord.isRecording(w)) { // METRICS_ONLY: count like CLOSED, never trip
        if (sw != null) {
          recordInWindow(sw, c, w, WindowTotals.PRESENT | slowBit(c, durationNanos), end);
          return;
        }
        if (BreakerWord.failures(w) == 0
            || cas(w, BreakerWord.metricsOnly(BreakerWord.generation(w), 0))) {
          return;
        }
      } else {
        return; // OPEN, FORCED_OPEN and DISABLED record nothing
      }
      // CAS lost to a concurrent change of the word: re-read and re-decide.
    }
  }

  private void failure(long permit) {
    failure(permit, UNTIMED, UNKNOWN_TIME);
  }

  private void failure(long permit, long durationNanos, long end) {
    final CircuitBreakerConfig c = config;
    final SlidingWindow sw = window;
    for (;;) {
      final long w = word();
      if (BreakerWord.generation(w) != permit) {
        return; // admitted before the latest transition or reset: ignored
      }
      int state = BreakerWord.state(w);
      if (state == CLOSED) {
        if (sw != null) {
          recordInWindow(sw, c, w,
              WindowTotals.PRESENT | WindowTotals.FAILED | slowBit(c, durationNanos), end);
          return;
        }
        int failures = BreakerWord.failures(w) + 1;
        if (failures >= c.failureThreshold) {
          // The trip: exactly one reporter wins the CAS; the clock is read only here.
          if (cas(w, opened(BreakerWord.nextGeneration(w), 0, c.ticker.read(), c))) {
            announce(CLOSED, OPEN);
            return;
          }
        } else if (cas(w, w + 1)) { // failures < threshold <= 65535: no carry out of the field
          return;
        }
      } else if (state == HALF_OPEN) {
        if (BreakerWord.inFlight(w) == 0) {
          return; // a duplicate report: this generation has no probe to account for
        }
        if (cas(w, reopened(w, c.ticker.read(), c))) {
          announce(HALF_OPEN, OPEN);
          return;
        }
      } else if (BreakerWord.isRecording(w)) { // METRICS_ONLY: count like CLOSED, never trip
        if (sw != null) {
          recordInWindow(sw, c, w,
              WindowTotals.PRESENT | WindowTotals.FAILED | slowBit(c, durationNanos), end);
          return;
        }
        int failures = BreakerWord.failures(w);
        // saturates: the count says "at least 65,535" rather than wrapping to zero
        if (failures == BreakerWord.MAX_FAILURES || cas(w, w + 1)) {
          return;
        }
      } else {
        return;
      }
      // CAS lost to a concurrent change of the word: re-read and re-decide.
    }
  }

  private static int slowBit(CircuitBreakerConfig c, long durationNanos) {
    long threshold = c.slowCallNanos;
    return threshold > 0 && durationNanos > threshold ? WindowTotals.SLOW : 0;
  }

  /**
   * Records a CLOSED-state outcome in the sliding window and, if its rates call for it, opens the
   * breaker with one CAS from the exact CLOSED word of the outcome's generation.
   */
  private void recordInWindow(SlidingWindow sw, CircuitBreakerConfig c, long w, int outcome,
      long end) {
    long now = end;
    if (now == UNKNOWN_TIME && sw.needsClock()) {
      now = c.ticker.read();
    }
    int generation = BreakerWord.generation(w);
    if (!sw.record(this, generation, outcome, now)) {
      return;
    }
    // The trip. The window said "open"; the breaker opens only if it is still CLOSED in that
    // generation. The word of a CLOSED window generation changes only by a transition, so a
    // failed CAS means someone else already moved the breaker on: nothing left to do.
    long current = word();
    if (BreakerWord.state(current) != CLOSED || BreakerWord.generation(current) != generation) {
      return;
    }
    long next = opened(BreakerWord.nextGeneration(current), 0, c.ticker.read(), c);
    if (cas(current, next)) {
      leftClosed(current, next);
      announce(CLOSED, OPEN);
    }
  }

  /** Marks a call started while calls were not timed. */
  static final long NOT_TIMED = Long.MIN_VALUE;

  /**
   * The ticker reading at the start of a call, when calls are timed; {@link #NOT_TIMED}
   * otherwise, so that a call that ends after a reconfiguration turned timing on is not measured
   * from a start that was never read (a reading of exactly {@code NOT_TIMED} is moved by 1 ns).
   */
  long startTiming() {
    final CircuitBreakerConfig c = config;
    if (!c.timesCalls) {
      return NOT_TIMED;
    }
    long t = c.ticker.read();
    return t == NOT_TIMED ? t + 1 : t;
  }

  private static void checkDuration(long durationNanos) {
    if (durationNanos < 0) {
      throw new IllegalArgumentException(
          "durationNanos must be in [0, " + Long.MAX_VALUE + "]: " + durationNanos);
    }
  }

  private void ignored(long permit) {
    for (;;) {
      final long w = word();
      if (BreakerWord.generation(w) != permit
          || BreakerWord.state(w) != HALF_OPEN
          || BreakerWord.inFlight(w) == 0) {
        return; // stale, or CLOSED (nothing to release), or a duplicate report
      }
      // Free the probe slot; retried only if the word changed meanwhile.
      if (cas(w, BreakerWord.unstamped(w) - IN_FLIGHT_ONE)) {
        return;
      }
    }
  }

  /**
   * Records an operation's throwable; never throws (a throwing classifier is suppressed).
   * {@code start} is {@link #startTiming()}'s reading at the call's start.
   */
  void onThrowable(long permit, Throwable t, long start) {
    int outcome;
    try {
      outcome = config.classify(t);
    } catch (Throwable classifierFailure) {
      count(CallStats.IGNORED, UNTIMED);
      ignored(permit);
      if (classifierFailure != t) {
        t.addSuppressed(classifierFailure);
      }
      return;
    }
    report(permit, outcome, start);
  }

  /**
   * Records an operation's result. If the result predicate throws, the permit is released
   * uncounted and the predicate's exception propagates.
   */
  void onResult(long permit, Object result, long start) {
    if (!config.recordsResults) {
      report(permit, CircuitBreakerConfig.OUTCOME_SUCCESS, start);
      return;
    }
    boolean failed;
    try {
      failed = config.isFailureResult(result);
    } catch (Throwable classifierFailure) {
      count(CallStats.IGNORED, UNTIMED);
      ignored(permit);
      throw classifierFailure;
    }
    report(permit, failed ? CircuitBreakerConfig.OUTCOME_FAILURE
        : CircuitBreakerConfig.OUTCOME_SUCCESS, start);
  }

  private void report(long permit, int outcome, long start) {
    long duration = UNTIMED;
    long end = UNKNOWN_TIME;
    final CircuitBreakerConfig c = config;
    if (c.timesCalls && start != NOT_TIMED && outcome != CircuitBreakerConfig.OUTCOME_IGNORED) {
      end = c.ticker.read();
      duration = Math.max(0, end - start);
    }
    switch (outcome) {
      case CircuitBreakerConfig.OUTCOME_SUCCESS:
        count(CallStats.SUCCESSFUL, duration);
        success(permit, duration, end);
        break;
      case CircuitBreakerConfig.OUTCOME_FAILURE:
        count(CallStats.FAILED, duration);
        failure(permit, duration, end);
        break;
      default:
        count(CallStats.IGNORED, UNTIMED);
        ignored(permit);
    }
  }

  void releaseUncounted(long permit) {
    count(CallStats.IGNORED, UNTIMED);
    ignored(permit);
  }

  /**
   * {@link #acquire()}, counting a rejection when statistics are on (the check is on the
   * rejection branch only: an admitted call pays nothing for it).
   */
  long admit() {
    long permit = acquire();
    if (permit < 0) {
      final CallStats s = stats;
      if (s != null) {
        s.increment(CallStats.REJECTED);
      }
    }
    return permit;
  }

  /**
   * Counts one reported outcome ({@code durationNanos}: its measured duration, or
   * {@link #UNTIMED}) when statistics are on; nothing while DISABLED.
   */
  private void count(int counter, long durationNanos) {
    final CallStats s = stats;
    if (s == null) {
      return;
    }
    if (BreakerWord.publicState(word()) == BreakerWord.PUBLIC_DISABLED) {
      return;
    }
    s.increment(counter);
    if (durationNanos >= 0 && config.recordsLatency) {
      s.addLatency(durationNanos);
    }
  }

  private static void checkPermit(long permit) {
    if (permit < 0 || permit > BreakerWord.MAX_GENERATION) {
      throw new IllegalArgumentException("permit must be in [0, " + BreakerWord.MAX_GENERATION
          + "] (a value returned by tryAcquire() other than REJECTED): " + permit);
    }
  }

  CallNotPermittedException rejection(long code) {
    long retryAfter = -1 - code;
    State state;
    if (retryAfter == 0) {
      state = State.HALF_OPEN;
    } else if (retryAfter == Long.MAX_VALUE) {
      state = State.FORCED_OPEN;
    } else if (retryAfter >= FORCED_WAIT_BIAS) {
      state = State.FORCED_OPEN;
      retryAfter -= FORCED_WAIT_BIAS;
    } else {
      state = State.OPEN;
    }
    return new CallNotPermittedException(name, state, retryAfter);
  }

  // ------------------------------------------------------------------ announcements

  private void announce(int fromCode, int toCode) {
    if (fromCode == toCode) {
      return;
    }
    final CallStats s = stats;
    if (s != null) {
      s.transition(config.ticker.read());
    }
    State from = State.of(fromCode);
    State to = State.of(toCode);
    System.Logger.Level level = to == State.OPEN || to == State.FORCED_OPEN
        || to == State.DISABLED ? System.Logger.Level.WARNING : System.Logger.Level.INFO;
    try {
      if (LOG.isLoggable(level)) {
        LOG.log(level, "CircuitBreaker ''{0}'' {1} -> {2}", name, from, to);
      }
    } catch (Throwable loggingFailure) {
      // a broken logging backend must not break the breaker; nothing else to tell it to
    }
    if (to == State.OPEN) {
      final HealthCheck h = config.healthCheck;
      if (h != null) {
        try {
          h.opened(this); // schedules the first check for when the open timeout has passed
        } catch (Throwable schedulerFailure) {
          // a refused schedule only loses the wake-up: the next real call starts the checks
        }
      }
    }
    for (StateChangeListener listener : listeners) {
      try {
        listener.onStateChange(this, from, to);
      } catch (Throwable listenerFailure) {
        try {
          LOG.log(System.Logger.Level.WARNING,
              "StateChangeListener of CircuitBreaker '" + name + "' threw on " + from + " -> " + to,
              listenerFailure);
        } catch (Throwable loggingFailure) {
          // as above
        }
      }
    }
  }
}
