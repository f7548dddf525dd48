package dev.breakwater.stress;

import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.SlidingWindowType;
import dev.breakwater.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The sequential specification Lincheck checks the breaker against: a plain, single-threaded
 * state machine written from the documented semantics (README, {@code core/DESIGN.md},
 * {@code CircuitBreaker}'s Javadoc), sharing no code with the implementation. It keeps every
 * field separately and in full width (a {@code long} generation, a list of the current period's
 * outcomes with their times, the exact deadline), so none of the implementation's packing,
 * rounding or generation arithmetic can leak into the expected results. A check that the
 * implementation drops, or a transition it takes wrongly, makes the two disagree even in a
 * single-threaded scenario, which Lincheck reports like a linearizability failure.
 *
 * <p>Each public method is an operation of {@link BreakerLincheckBase} with the same signature and
 * result. Subclasses (one per Lincheck test, each with a no-argument constructor, as Lincheck's
 * {@code sequentialSpecification} requires) choose the {@link Settings} and replay the test's
 * set-up through the model's own operations.
 *
 * <p>The semantics, in brief. Every transition and every reset starts a new generation; a permit
 * is the generation that admitted it, and an outcome whose permit is not the current generation is
 * ignored. CLOSED admits; without a window, consecutive failures reaching the threshold open it
 * and a success clears them; with a window, each outcome is recorded and the breaker opens when
 * the window holds at least the minimum number of calls and {@code failed * 100 >= threshold *
 * calls}. OPEN rejects until the open timeout of its backoff level has passed since it opened; the
 * first call after that enters HALF_OPEN as its first probe. HALF_OPEN admits up to the maximum
 * number of probes; a probe success counts (the success threshold closes it, backoff back to the
 * base), a probe failure re-opens it one backoff level up, {@code onIgnored} frees the slot; a
 * caller that finds every slot taken while the probes are older than the base timeout re-opens it
 * one level up and is itself rejected (see below for how their age is measured). {@code reset()} closes from anywhere; {@code forceOpen()}
 * moves to FORCED_OPEN from anywhere else.
 *
 * <p>Hung probes (DESIGN.md, "HALF_OPEN full since"): the first caller that finds every slot
 * taken stamps the time, and any change of the probes in flight (an admission, a report, a
 * release) clears the stamp; a caller that finds the slots taken with a stamp at least the base
 * timeout old re-opens. So a probe that makes progress is never declared hung.
 */
public class BreakerModel {
  /** Thread ids Lincheck hands out (threads, plus the init and post parts) are below this. */
  static final int MAX_THREADS = 8;
  /** Base open timeout. */
  static final long BASE_TIMEOUT = Duration.ofSeconds(1).toNanos();
  /** Backoff cap (x2 per re-open from HALF_OPEN): 1 s, 2 s, 4 s. */
  static final long MAX_TIMEOUT = 4 * BASE_TIMEOUT;
  /**
   * One {@code advanceTime} step: the base timeout plus 10 ms. Chosen so that no comparison in a
   * scenario falls inside the implementation's documented rounding (deadlines rounded up to at
   * most 256 ns here; hung probes detected at most ~0.4% late): n steps pass a timeout of 1, 2 or
   * 4 s exactly when n * 1.01 s does, and one step always makes a full HALF_OPEN period hung.
   */
  static final long STEP = BASE_TIMEOUT + Duration.ofMillis(10).toNanos();

  /** The settings a Lincheck test and its model share. */
  static final class Settings {
    final int failureThreshold;
    final int successThreshold = 2;
    final int halfOpenMaxCalls = 2;
    /** null: consecutive failures. */
    final SlidingWindowType window;
    /** COUNT_BASED: calls. */
    final int size;
    /** TIME_BASED: length in ns (ten buckets). */
    final long lengthNanos;
    final int minimumCalls;
    final int failurePercent;

    private Settings(int failureThreshold, SlidingWindowType window, int size, long lengthNanos,
        int minimumCalls, int failurePercent) {
      this.failureThreshold = failureThreshold;
      this.window = window;
      this.size = size;
      this.lengthNanos = lengthNanos;
      this.minimumCalls = minimumCalls;
      this.failurePercent = failurePercent;
    }

    static Settings consecutive(int failureThreshold) {
      return new Settings(failureThreshold, null, 0, 0, 0, 0);
    }

    static Settings count(int size, int minimumCalls, int failurePercent) {
      return new Settings(1, SlidingWindowType.COUNT_BASED, size, 0, minimumCalls, failurePercent);
    }

    static Settings time(Duration length, int minimumCalls, int failurePercent) {
      return new Settings(1, SlidingWindowType.TIME_BASED, 0, length.toNanos(), minimumCalls,
          failurePercent);
    }

    /** The implementation's config for these settings, on {@code ticker}. */
    CircuitBreakerConfig config(Ticker ticker) {
      CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder()
          .successThreshold(successThreshold)
          .halfOpenMaxCalls(halfOpenMaxCalls)
          .openTimeout(Duration.ofNanos(BASE_TIMEOUT))
          .openTimeoutBackoff(2.0, Duration.ofNanos(MAX_TIMEOUT))
          .ticker(ticker);
      if (window == null) {
        b.failureThreshold(failureThreshold); // the builder rejects it beside a window
      } else if (window == SlidingWindowType.COUNT_BASED) {
        b.slidingWindow(window, size);
      } else if (window == SlidingWindowType.TIME_BASED) {
        b.slidingWindow(window, Duration.ofNanos(lengthNanos));
      }
      if (window != null) {
        b.minimumNumberOfCalls(minimumCalls).failureRateThreshold(failurePercent);
      }
      return b.build();
    }
  }

  private final Settings s;
  private long now = ManualTicker.START;
  private State state = State.CLOSED;
  private long generation;
  /** CLOSED without a window: consecutive failures. */
  private int failures;
  /** OPEN and HALF_OPEN: consecutive re-opens from HALF_OPEN, capped where the timeout is. */
  private int level;
  /** OPEN: when a probe may go. */
  private long deadline;
  /** HALF_OPEN. */
  private int inFlight;
  private int successes;
  /** HALF_OPEN: a caller found every slot taken at {@link #fullSince}, and none changed since. */
  private boolean fullSeen;
  private long fullSince;
  /** CLOSED with a window: the current period's outcomes, oldest first: {time, failed ? 1 : 0}. */
  private final ArrayDeque<long[]> outcomes = new ArrayDeque<>();
  /** The generation of the permit each thread holds, or -1. */
  private final long[] permits = new long[MAX_THREADS];

  /**
   * A model in CLOSED, generation 0, at {@link ManualTicker#START}.
   *
   * @param settings the breaker's settings
   */
  protected BreakerModel(Settings settings) {
    this.s = settings;
    Arrays.fill(permits, -1);
  }

  // ---------------------------------------------------------------- operations (as in the test)

  /**
   * {@code tryAcquire}.
   *
   * @param tid the calling thread
   * @return whether admitted (the permit is kept for the thread's next report)
   */
  public boolean acquire(int tid) {
    long p = admit();
    if (p >= 0) {
      permits[tid] = p;
    }
    return p >= 0;
  }

  /**
   * Reports the thread's permit as a success.
   *
   * @param tid the calling thread
   * @return whether it held a permit
   */
  public boolean success(int tid) {
    long p = take(tid);
    if (p < 0) {
      return false;
    }
    if (p == generation) {
      onSuccess();
    }
    return true;
  }

  /**
   * Reports the thread's permit as a failure.
   *
   * @param tid the calling thread
   * @return whether it held a permit
   */
  public boolean failure(int tid) {
    long p = take(tid);
    if (p < 0) {
      return false;
    }
    if (p == generation) {
      onFailure();
    }
    return true;
  }

  /**
   * Reports the thread's permit as ignored.
   *
   * @param tid the calling thread
   * @return whether it held a permit
   */
  public boolean ignored(int tid) {
    long p = take(tid);
    if (p < 0) {
      return false;
    }
    if (p == generation && state == State.HALF_OPEN && inFlight > 0) {
      inFlight--;
      fullSeen = false;
    }
    return true;
  }

  /**
   * The state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * Consecutive failures in CLOSED (always 0 with a window).
   *
   * @return the count
   */
  public int failureCount() {
    return state == State.CLOSED ? failures : 0;
  }

  /**
   * Probes in flight in HALF_OPEN.
   *
   * @return the count
   */
  public int probesInFlight() {
    return state == State.HALF_OPEN ? inFlight : 0;
  }

  /** {@code reset()}. */
  public void reset() {
    close();
  }

  /** {@code forceOpen()}. */
  public void forceOpen() {
    if (state != State.FORCED_OPEN) {
      enter(State.FORCED_OPEN);
    }
  }

  /** The clock moves one {@link #STEP}. */
  public void advanceTime() {
    now += STEP;
  }

  // ---------------------------------------------------------------- for subclasses' set-up

  /**
   * Admits a call outside any thread's permit slot (set-up only).
   *
   * @return the permit, or -1
   */
  protected long admit() {
    switch (state) {
      case CLOSED:
        return generation;
      case OPEN:
        if (now < deadline) {
          return -1;
        }
        enter(State.HALF_OPEN);
        inFlight = 1;
        successes = 0;
        if (s.halfOpenMaxCalls == 1) { // full at once, and the transition read the clock
          fullSeen = true;
          fullSince = now;
        }
        return generation;
      case HALF_OPEN:
        if (inFlight < s.halfOpenMaxCalls) {
          inFlight++;
          fullSeen = false;
          return generation;
        }
        if (!fullSeen) {
          fullSeen = true;
          fullSince = now;
        } else if (now - fullSince >= BASE_TIMEOUT) {
          open(nextLevel());
        }
        return -1;
      default:
        return -1;
    }
  }

  /**
   * Reports {@code permit} (set-up only).
   *
   * @param permit from {@link #admit()}
   * @param outcome S, F or I (ignored)
   */
  protected void report(long permit, char outcome) {
    if (permit != generation) {
      return;
    }
    switch (outcome) {
      case 'S':
        onSuccess();
        break;
      case 'F':
        onFailure();
        break;
      default:
        if (state == State.HALF_OPEN && inFlight > 0) {
          inFlight--;
          fullSeen = false;
        }
    }
  }

  // ---------------------------------------------------------------- the rules

  private long take(int tid) {
    long p = permits[tid];
    permits[tid] = -1;
    return p;
  }

  private void onSuccess() {
    if (state == State.CLOSED) {
      if (s.window != null) {
        record(false);
      } else {
        failures = 0;
      }
    } else if (state == State.HALF_OPEN && inFlight > 0) {
      if (successes + 1 >= s.successThreshold) {
        close();
      } else {
        successes++;
        inFlight--;
        fullSeen = false;
      }
    }
  }

  private void onFailure() {
    if (state == State.CLOSED) {
      if (s.window != null) {
        record(true);
      } else if (failures + 1 >= s.failureThreshold) {
        open(0);
      } else {
        failures++;
      }
    } else if (state == State.HALF_OPEN && inFlight > 0) {
      open(nextLevel());
    }
  }

  private void record(boolean failed) {
    outcomes.addLast(new long[] {now, failed ? 1 : 0});
    if (s.window == SlidingWindowType.COUNT_BASED && outcomes.size() > s.size) {
      outcomes.removeFirst();
    }
    long bucket = s.lengthNanos / 10;
    long calls = 0;
    long failedCalls = 0;
    for (long[] o : outcomes) {
      boolean inWindow = s.window == SlidingWindowType.COUNT_BASED
          || Math.floorDiv(o[0], bucket) > Math.floorDiv(now, bucket) - 10;
      if (inWindow) {
        calls++;
        failedCalls += o[1];
      }
    }
    if (calls >= s.minimumCalls && failedCalls * 100 >= (long) s.failurePercent * calls) {
      open(0);
    }
  }

  private int nextLevel() {
    return timeout(level) >= MAX_TIMEOUT ? level : level + 1;
  }

  private static long timeout(int level) {
    return Math.min(BASE_TIMEOUT << level, MAX_TIMEOUT);
  }

  private void open(int newLevel) {
    enter(State.OPEN);
    level = newLevel;
    deadline = now + timeout(newLevel);
  }

  private void close() {
    enter(State.CLOSED);
    failures = 0;
    level = 0;
  }

  /** Every transition and every reset: a new generation, the previous period's counts gone. */
  private void enter(State next) {
    state = next;
    generation++;
    failures = 0;
    inFlight = 0;
    successes = 0;
    fullSeen = false;
    outcomes.clear();
  }
}
