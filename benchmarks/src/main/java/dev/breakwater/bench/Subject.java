package dev.breakwater.bench;

import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.SlidingWindowType;
import dev.breakwater.Ticker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One breaker under test behind a common shape, so a benchmark method is written once and
 * parameterised by {@code @Param("impl")}. JMH runs each parameter value in its own JVM fork, so
 * inside a fork only one subclass is ever loaded and every call through this class is
 * monomorphic: the JIT inlines it and the adapter costs nothing (the {@code none} baseline shows
 * it).
 *
 * <p>Implementations ({@link #create} names):
 * <ul>
 *   <li>{@code none}: no breaker; the operation alone (CLOSED cases only).
 *   <li>{@code breakwater}: the real {@code breakwater-core} {@link dev.breakwater.CircuitBreaker},
 *       default config (consecutive failures).
 *   <li>Failure-rate windows ({@link WindowBenchmark}, CLOSED only), all "50% failures, at least
 *       20 calls", with windows of 100 calls or 10 seconds: {@code breakwater-count},
 *       {@code breakwater-time}, {@code resilience4j-count}, {@code resilience4j-time},
 *       {@code resilience4j-lockfree-count}, {@code resilience4j-lockfree-time} (Resilience4j
 *       with {@code slidingWindow(100 or 10, 20, type)}), {@code failsafe-count} (Failsafe's
 *       "m of n": 50 failures of the last 100 executions) and {@code failsafe-time} (Failsafe's
 *       {@code withFailureRateThreshold(50, 20, 10 s)}).
 *   <li>{@code resilience4j}: Resilience4j 2.4.0 with its default config (COUNT_BASED window of
 *       100, SYNCHRONIZED window strategy).
 *   <li>{@code resilience4j-lockfree}: the same with
 *       {@code slidingWindowSynchronizationStrategy(LOCK_FREE)}.
 *   <li>{@code resilience4j-nostack}: the default with {@code writableStackTraceEnabled(false)}
 *       (matters only where a rejection exception is thrown).
 *   <li>{@code failsafe}: Failsafe 3.3.2, failure threshold 5 consecutive (Failsafe's default of 1
 *       would open at the first failure); the high-level path uses one {@code FailsafeExecutor}
 *       built once, as an application would keep it.
 *   <li>{@code synchronized}: {@link SynchronizedCircuitBreaker}, the textbook baseline.
 * </ul>
 *
 * <p>Every breaker trips after 5 consecutive failures (Resilience4j: its default failure rate of
 * 50% over 100 calls; a failure every 10 calls trips none of them).
 */
public abstract class Subject {

  /** What a benchmark needs the breaker to be in. */
  public enum Mode {
    /** CLOSED, counters at zero. */
    CLOSED,
    /** OPEN with an hour to go: every call is rejected. */
    OPEN,
    /**
     * HALF_OPEN with room for at least {@link #PROBE_PERIOD} successful probes, one in flight at
     * a time; {@link #rearm()} starts a fresh HALF_OPEN period.
     */
    HALF_OPEN_PROBE,
    /** HALF_OPEN with its single probe slot taken and never released: every call is rejected. */
    HALF_OPEN_FULL
  }

  /** Probes per HALF_OPEN period in {@link Mode#HALF_OPEN_PROBE}; the caller re-arms after. */
  public static final int PROBE_PERIOD = 1000;

  /** The permit a subject without permits hands out. */
  static final long PERMIT = 0L;

  /** A failure with no stack trace, reported by the failure benchmarks. */
  static final RuntimeException FAILURE = new RuntimeException("failure", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  static final Duration LONG_OPEN = Duration.ofHours(1);
  /** How far the HALF_OPEN benchmarks move their ticker: past {@link #LONG_OPEN} and its rounding. */
  static final long PAST_OPEN_TIMEOUT_NANOS = LONG_OPEN.plusSeconds(1).toNanos();
  static final int FAILURE_THRESHOLD = 5;
  /** Count-based windows: Resilience4j's default size. */
  static final int WINDOW_CALLS = 100;
  /** Time-based windows. */
  static final Duration WINDOW_TIME = Duration.ofSeconds(10);
  /** Failure rate, percent, of every window subject. */
  static final int WINDOW_RATE = 50;
  /** Minimum calls before a window subject may open. */
  static final int WINDOW_MIN_CALLS = 20;
  /** Above {@link #PROBE_PERIOD}: a HALF_OPEN period never closes by itself. */
  static final int PROBE_SUCCESS_THRESHOLD = 1023;

  /** Kept strongly reachable so the level set on it sticks (JUL holds loggers weakly). */
  private static final Logger BREAKWATER_JUL =
      Logger.getLogger(dev.breakwater.CircuitBreaker.class.getName());

  /**
   * Asks for a permit.
   *
   * @return a permit {@code >= 0}, or a negative value for a rejection
   */
  public abstract long acquire();

  /**
   * Reports a success for a permit from {@link #acquire()}.
   *
   * @param permit the permit
   */
  public abstract void success(long permit);

  /**
   * Reports a failure for a permit from {@link #acquire()}.
   *
   * @param permit the permit
   */
  public abstract void failure(long permit);

  /**
   * Runs {@code op} through the library's high-level API.
   *
   * @param op the operation
   * @return its result
   * @throws Exception the library's rejection exception, or what the operation threw
   */
  public abstract Object call(Operation op) throws Exception;

  /** Starts a fresh HALF_OPEN period with no probe in flight ({@link Mode#HALF_OPEN_PROBE}). */
  public abstract void rearm();

  /**
   * Creates a subject in the given mode.
   *
   * @param impl one of the names listed in the class comment
   * @param mode the state it must be in
   * @return the subject, ready
   * @throws IllegalArgumentException for an unknown name or a mode the subject has no meaning in
   */
  public static Subject create(String impl, Mode mode) {
    Subject s;
    switch (impl) {
      case "none":
        if (mode != Mode.CLOSED) {
          throw new IllegalArgumentException("no breaker has no " + mode + " state");
        }
        s = new None();
        break;
      case "breakwater":
        s = new Breakwater(mode);
        break;
      case "breakwater-count":
      case "breakwater-time":
      case "resilience4j-count":
      case "resilience4j-time":
      case "resilience4j-lockfree-count":
      case "resilience4j-lockfree-time":
      case "failsafe-count":
      case "failsafe-time":
        if (mode != Mode.CLOSED) {
          throw new IllegalArgumentException(impl + " is measured in CLOSED only, not " + mode);
        }
        s = windowed(impl);
        break;
      case "resilience4j":
        s = new Resilience4j(mode, SlidingWindowSynchronizationStrategy.SYNCHRONIZED, true);
        break;
      case "resilience4j-lockfree":
        s = new Resilience4j(mode, SlidingWindowSynchronizationStrategy.LOCK_FREE, true);
        break;
      case "resilience4j-nostack":
        s = new Resilience4j(mode, SlidingWindowSynchronizationStrategy.SYNCHRONIZED, false);
        break;
      case "failsafe":
        s = new FailsafeSubject(mode);
        break;
      case "synchronized":
        s = new Synchronized(mode);
        break;
      default:
        throw new IllegalArgumentException("unknown impl: " + impl);
    }
    s.verify(mode);
    return s;
  }

  /**
   * A CLOSED breaker that trips on a failure rate (see the class comment for the names).
   *
   * @param impl a window implementation's name
   * @return the subject
   */
  static Subject windowed(String impl) {
    boolean time = impl.endsWith("-time");
    if (impl.startsWith("breakwater")) {
      return new Breakwater(windowConfig(time));
    }
    if (impl.startsWith("resilience4j")) {
      return new Resilience4j(resilience4jWindowConfig(time,
          impl.contains("lockfree") ? SlidingWindowSynchronizationStrategy.LOCK_FREE
              : SlidingWindowSynchronizationStrategy.SYNCHRONIZED));
    }
    return new FailsafeSubject(failsafeWindowBuilder(time));
  }

  /**
   * Breakwater's failure-rate configuration: 50% of the last 100 calls or 10 seconds, at least 20.
   *
   * @param time time-based rather than count-based
   * @return the config
   */
  static CircuitBreakerConfig windowConfig(boolean time) {
    CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder();
    if (time) {
      b.slidingWindow(SlidingWindowType.TIME_BASED, WINDOW_TIME);
    } else {
      b.slidingWindow(SlidingWindowType.COUNT_BASED, WINDOW_CALLS);
    }
    return b.failureRateThreshold(WINDOW_RATE).minimumNumberOfCalls(WINDOW_MIN_CALLS).build();
  }

  /**
   * Resilience4j's equivalent of {@link #windowConfig}.
   *
   * @param time time-based rather than count-based
   * @param strategy its window synchronisation strategy
   * @return the config
   */
  static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig resilience4jWindowConfig(
      boolean time, SlidingWindowSynchronizationStrategy strategy) {
    io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType type = time
        ? io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.TIME_BASED
        : io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED;
    return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
        .slidingWindow(time ? (int) WINDOW_TIME.toSeconds() : WINDOW_CALLS, WINDOW_MIN_CALLS, type)
        .failureRateThreshold(WINDOW_RATE)
        .slidingWindowSynchronizationStrategy(strategy)
        .build();
  }

  /**
   * Failsafe's equivalent of {@link #windowConfig}: "50 of the last 100 executions" (its count
   * form has no separate minimum: it decides once 100 executions were seen), or a 50% rate over
   * 10 seconds once 20 executions were seen.
   *
   * @param time time-based rather than count-based
   * @return the builder
   */
  static dev.failsafe.CircuitBreakerBuilder<Object> failsafeWindowBuilder(boolean time) {
    dev.failsafe.CircuitBreakerBuilder<Object> b = dev.failsafe.CircuitBreaker.builder();
    if (time) {
      b.withFailureRateThreshold(WINDOW_RATE, WINDOW_MIN_CALLS, WINDOW_TIME);
    } else {
      b.withFailureThreshold(WINDOW_CALLS * WINDOW_RATE / 100, WINDOW_CALLS);
    }
    return b.withDelay(Duration.ofSeconds(60));
  }

  /** Fails fast if the set-up did not produce the state a benchmark claims to measure. */
  void verify(Mode mode) {
    String state = stateName();
    String want = mode == Mode.CLOSED ? "CLOSED" : mode == Mode.OPEN ? "OPEN" : "HALF_OPEN";
    if (state != null && !state.equals(want)) {
      throw new IllegalStateException(getClass().getSimpleName() + " is " + state
          + ", expected " + want);
    }
  }

  /**
   * The library's name for the current state, or null if it has none.
   *
   * @return the state name
   */
  abstract String stateName();

  // ---------------------------------------------------------------------------------- none

  /** No breaker: the operation alone. */
  static final class None extends Subject {
    @Override
    public long acquire() {
      return PERMIT;
    }

    @Override
    public void success(long permit) {}

    @Override
    public void failure(long permit) {}

    @Override
    public Object call(Operation op) {
      return op.get();
    }

    @Override
    public void rearm() {}

    @Override
    String stateName() {
      return null;
    }
  }

  // ---------------------------------------------------------------------------- breakwater

  /**
   * System time plus a manual offset: reads cost what {@link System#nanoTime()} costs, and a
   * benchmark can jump past an open timeout without sleeping.
   */
  static final class OffsetTicker implements Ticker {
    private long offset;

    @Override
    public long read() {
      return System.nanoTime() + offset;
    }

    void advance(long nanos) {
      offset += nanos;
    }
  }

  /**
   * Breakwater. CLOSED uses {@link CircuitBreakerConfig#defaults()}. OPEN: one failure trips it,
   * open for an hour. HALF_OPEN: an {@link OffsetTicker} moves time past the open timeout; the
   * probe configuration needs 1023 successes to close, so a period of {@link #PROBE_PERIOD}
   * probes stays HALF_OPEN, and {@link #rearm()} fails one probe (HALF_OPEN to OPEN) and jumps the
   * ticker, so the next call re-enters HALF_OPEN as a probe. Both transitions, with their CAS
   * and clock reads, are part of the measured time, amortised over the period. Its
   * {@code System.Logger} is switched off (JUL level OFF): a transition is otherwise logged at
   * WARNING, and this benchmark makes thousands per second.
   */
  static final class Breakwater extends Subject {
    final dev.breakwater.CircuitBreaker cb;
    final OffsetTicker ticker = new OffsetTicker();

    /** A CLOSED breaker with {@code config}. */
    Breakwater(CircuitBreakerConfig config) {
      BREAKWATER_JUL.setLevel(Level.OFF);
      cb = dev.breakwater.CircuitBreaker.of("bench", config);
    }

    Breakwater(Mode mode) {
      BREAKWATER_JUL.setLevel(Level.OFF);
      CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder();
      CircuitBreakerConfig config;
      switch (mode) {
        case CLOSED:
          config = CircuitBreakerConfig.defaults();
          break;
        case OPEN:
          config = b.failureThreshold(1).openTimeout(LONG_OPEN).build();
          break;
        case HALF_OPEN_PROBE:
          config = b.failureThreshold(1).successThreshold(PROBE_SUCCESS_THRESHOLD)
              .halfOpenMaxCalls(1).openTimeout(LONG_OPEN).ticker(ticker).build();
          break;
        default:
          config = b.failureThreshold(1).successThreshold(1)
              .halfOpenMaxCalls(1).openTimeout(LONG_OPEN).ticker(ticker).build();
      }
      cb = dev.breakwater.CircuitBreaker.of("bench", config);
      if (mode != Mode.CLOSED) {
        trip();
      }
      if (mode == Mode.HALF_OPEN_PROBE || mode == Mode.HALF_OPEN_FULL) {
        ticker.advance(PAST_OPEN_TIMEOUT_NANOS);
        long probe = cb.tryAcquire(); // OPEN -> HALF_OPEN, first probe
        if (probe < 0) {
          throw new IllegalStateException("no probe admitted: " + cb);
        }
        if (mode == Mode.HALF_OPEN_PROBE) {
          cb.onSuccess(probe); // free the slot; 1 of 1023 successes
        } // HALF_OPEN_FULL: the probe is held forever
      }
    }

    /** CLOSED to OPEN by failures. */
    private void trip() {
      while (cb.state() == dev.breakwater.CircuitBreaker.State.CLOSED) {
        cb.onFailure(cb.tryAcquire());
      }
    }

    @Override
    public long acquire() {
      return cb.tryAcquire();
    }

    @Override
    public void success(long permit) {
      cb.onSuccess(permit);
    }

    @Override
    public void failure(long permit) {
      cb.onFailure(permit);
    }

    @Override
    public Object call(Operation op) throws Exception {
      return cb.call(op);
    }

    @Override
    public void rearm() {
      long p = cb.tryAcquire();
      if (p >= 0) {
        cb.onFailure(p); // HALF_OPEN -> OPEN
      }
      ticker.advance(PAST_OPEN_TIMEOUT_NANOS); // the next tryAcquire: OPEN -> HALF_OPEN
    }

    @Override
    String stateName() {
      return cb.state().name();
    }
  }

  // -------------------------------------------------------------------------- resilience4j

  /**
   * Resilience4j. OPEN and HALF_OPEN are reached with its administrative transitions; the
   * manual API reports a duration of 0 ns (a caller would otherwise time the call itself);
   * {@link #rearm()} goes OPEN then HALF_OPEN, which builds a fresh half-open state and metrics
   * window, as Resilience4j does on every such transition.
   */
  static final class Resilience4j extends Subject {
    final io.github.resilience4j.circuitbreaker.CircuitBreaker cb;

    /** A CLOSED breaker with {@code config}. */
    Resilience4j(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig config) {
      cb = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench", config);
    }

    Resilience4j(Mode mode, SlidingWindowSynchronizationStrategy strategy, boolean stackTraces) {
      io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.Builder b =
          io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
              .slidingWindowSynchronizationStrategy(strategy)
              .writableStackTraceEnabled(stackTraces)
              .waitDurationInOpenState(LONG_OPEN);
      if (mode == Mode.HALF_OPEN_PROBE) {
        b.permittedNumberOfCallsInHalfOpenState(PROBE_SUCCESS_THRESHOLD);
      } else if (mode == Mode.HALF_OPEN_FULL) {
        b.permittedNumberOfCallsInHalfOpenState(1);
      }
      cb = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench", b.build());
      switch (mode) {
        case OPEN:
          cb.transitionToOpenState();
          break;
        case HALF_OPEN_PROBE:
          cb.transitionToOpenState();
          cb.transitionToHalfOpenState();
          break;
        case HALF_OPEN_FULL:
          cb.transitionToOpenState();
          cb.transitionToHalfOpenState();
          if (!cb.tryAcquirePermission()) { // held forever
            throw new IllegalStateException("no probe admitted");
          }
          break;
        default:
      }
    }

    @Override
    public long acquire() {
      return cb.tryAcquirePermission() ? PERMIT : -1L;
    }

    @Override
    public void success(long permit) {
      cb.onSuccess(0L, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failure(long permit) {
      cb.onError(0L, TimeUnit.NANOSECONDS, FAILURE);
    }

    @Override
    public Object call(Operation op) {
      return cb.executeSupplier(op);
    }

    @Override
    public void rearm() {
      cb.transitionToOpenState();
      cb.transitionToHalfOpenState();
    }

    @Override
    String stateName() {
      return cb.getState().name();
    }
  }

  // ------------------------------------------------------------------------------ failsafe

  /**
   * Failsafe. Failure threshold 5 consecutive, delay an hour; OPEN and HALF_OPEN are reached
   * with {@code open()} / {@code halfOpen()}. HALF_OPEN probe mode uses a success threshold of
   * 1023, so its capacity (permits per period) exceeds the period.
   */
  static final class FailsafeSubject extends Subject {
    final dev.failsafe.CircuitBreaker<Object> cb;
    final FailsafeExecutor<Object> executor;

    /** A CLOSED breaker from {@code builder}. */
    FailsafeSubject(dev.failsafe.CircuitBreakerBuilder<Object> builder) {
      cb = builder.build();
      executor = Failsafe.with(List.of(cb));
    }

    FailsafeSubject(Mode mode) {
      dev.failsafe.CircuitBreakerBuilder<Object> b = dev.failsafe.CircuitBreaker.builder()
          .withFailureThreshold(FAILURE_THRESHOLD)
          .withDelay(LONG_OPEN);
      if (mode == Mode.HALF_OPEN_PROBE) {
        b.withSuccessThreshold(PROBE_SUCCESS_THRESHOLD);
      } else if (mode == Mode.HALF_OPEN_FULL) {
        b.withSuccessThreshold(1);
      }
      cb = b.build();
      executor = Failsafe.with(List.of(cb));
      switch (mode) {
        case OPEN:
          cb.open();
          break;
        case HALF_OPEN_PROBE:
          cb.halfOpen();
          break;
        case HALF_OPEN_FULL:
          cb.halfOpen();
          if (!cb.tryAcquirePermit()) { // held forever
            throw new IllegalStateException("no probe admitted");
          }
          break;
        default:
      }
    }

    @Override
    public long acquire() {
      return cb.tryAcquirePermit() ? PERMIT : -1L;
    }

    @Override
    public void success(long permit) {
      cb.recordSuccess();
    }

    @Override
    public void failure(long permit) {
      cb.recordFailure();
    }

    @Override
    public Object call(Operation op) {
      return executor.get(op);
    }

    @Override
    public void rearm() {
      cb.open();
      cb.halfOpen();
    }

    @Override
    String stateName() {
      return cb.getState().name();
    }
  }

  // -------------------------------------------------------------------------- synchronized

  /** {@link SynchronizedCircuitBreaker} with the same thresholds. */
  static final class Synchronized extends Subject {
    final SynchronizedCircuitBreaker cb;

    Synchronized(Mode mode) {
      int successThreshold = mode == Mode.HALF_OPEN_PROBE ? PROBE_SUCCESS_THRESHOLD : 2;
      int maxCalls = mode == Mode.HALF_OPEN_FULL || mode == Mode.HALF_OPEN_PROBE ? 1 : 3;
      cb = new SynchronizedCircuitBreaker(mode == Mode.OPEN ? 1 : FAILURE_THRESHOLD,
          successThreshold, maxCalls, LONG_OPEN.toNanos(), System::nanoTime);
      switch (mode) {
        case OPEN:
          cb.tryAcquire();
          cb.onFailure();
          break;
        case HALF_OPEN_PROBE:
          cb.transitionToHalfOpen();
          break;
        case HALF_OPEN_FULL:
          cb.transitionToHalfOpen();
          if (!cb.tryAcquire()) { // held forever
            throw new IllegalStateException("no probe admitted");
          }
          break;
        default:
      }
    }

    @Override
    public long acquire() {
      return cb.tryAcquire() ? PERMIT : -1L;
    }

    @Override
    public void success(long permit) {
      cb.onSuccess();
    }

    @Override
    public void failure(long permit) {
      cb.onFailure();
    }

    @Override
    public Object call(Operation op) {
      return cb.call(op);
    }

    @Override
    public void rearm() {
      cb.transitionToHalfOpen();
    }

    @Override
    String stateName() {
      return cb.state().name();
    }
  }
}
