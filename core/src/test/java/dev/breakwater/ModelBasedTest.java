package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs long random operation sequences against the breaker and against {@link Model}, a
 * deliberately plain implementation of the README's semantics with exact time and an unbounded
 * generation, and compares them after every step. It catches packing, rounding, shift and wrap
 * mistakes that hand-written cases miss.
 *
 * <p>Time moves in whole seconds while timeouts end 100 ms before a whole second, so the breaker's
 * documented rounding (deadline late by at most one unit, hung probes by a few parts per thousand)
 * never falls on an instant where the model and the breaker may legitimately differ.
 */
class ModelBasedTest {

  static List<Object[]> configs() {
    List<Object[]> out = new ArrayList<>();
    long seed = 1;
    for (int failures : new int[] {1, 3}) {
      for (int successes : new int[] {1, 2, 4}) {
        for (int probes : new int[] {1, 3}) {
          for (boolean backoff : new boolean[] {false, true}) {
            out.add(new Object[] {failures, successes, probes, backoff, seed++});
          }
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "failures={0} successes={1} probes={2} backoff={3}")
  @MethodSource("configs")
  void breakerMatchesTheModel(int failures, int successes, int probes, boolean backoff, long seed) {
    Duration timeout = Duration.ofSeconds(5).minusMillis(100);
    CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.builder()
        .failureThreshold(failures).successThreshold(successes).halfOpenMaxCalls(probes)
        .openTimeout(timeout);
    if (backoff) {
      builder.openTimeoutBackoff(2.0, Duration.ofSeconds(30).minusMillis(100));
    }
    FakeTicker ticker = new FakeTicker(-7_000_000_000L); // crosses zero during the run
    CircuitBreakerConfig config = builder.ticker(ticker).build();
    CircuitBreaker breaker = CircuitBreaker.of("model", config);
    Model model = new Model(config);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 65_000; i++) { // so the 16-bit generation wraps during the run
      breaker.reset();
      model.reset();
    }
    List<long[]> permits = new ArrayList<>(); // {breaker permit, model permit}

    for (int step = 0; step < 20_000; step++) {
      int op = random.nextInt(100);
      String what;
      if (op < 35) {
        long now = ticker.now();
        long p = breaker.tryAcquire();
        long m = model.acquire(now);
        what = "acquire -> " + p + " / " + m;
        assertThat(p == CircuitBreaker.REJECTED).as(what).isEqualTo(m < 0);
        if (m >= 0) {
          assertThat(p).as(what).isEqualTo(m & 0xFFFF);
          permits.add(new long[] {p, m});
        }
      } else if (op < 80 && !permits.isEmpty()) {
        // report a random outstanding permit: recent ones mostly, stale ones sometimes
        int i = random.nextInt(10) < 7 ? permits.size() - 1 : random.nextInt(permits.size());
        long[] pm = permits.remove(i);
        long now = ticker.now();
        int outcome = random.nextInt(10);
        if (outcome < 5) {
          breaker.onSuccess(pm[0]);
          model.success(pm[1]);
          what = "success " + pm[1];
        } else if (outcome < 9) {
          breaker.onFailure(pm[0]);
          model.failure(pm[1], now);
          what = "failure " + pm[1];
        } else {
          breaker.onIgnored(pm[0]);
          model.ignored(pm[1]);
          what = "ignored " + pm[1];
        }
      } else if (op < 97) {
        ticker.advance(Duration.ofSeconds(1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 3)));
        what = "advance";
      } else if (op < 98) {
        breaker.reset();
        model.reset();
        what = "reset";
      } else {
        int control = random.nextInt(4);
        if (control == 0) {
          breaker.forceOpen();
          model.forceOpen();
          what = "forceOpen";
        } else if (control == 1) {
          Duration d = Duration.ofMillis(2_500 + 1_000L * random.nextInt(5)); // off whole seconds
          breaker.forceOpen(d);
          model.forceOpenFor(d.toNanos(), ticker.now());
          what = "forceOpen(" + d + ")";
        } else if (control == 2) {
          breaker.disable();
          model.hold(4);
          what = "disable";
        } else {
          breaker.metricsOnly();
          model.hold(5);
          what = "metricsOnly";
        }
      }
      String ctx = "step " + step + " after " + what + ": " + breaker + " vs " + model;
      assertThat(breaker.state().ordinal()).as(ctx).isEqualTo(model.state);
      assertThat(breaker.failureCount()).as(ctx)
          .isEqualTo(model.state == 0 || model.state == 5 ? model.failures : 0);
      assertThat(breaker.successCount()).as(ctx).isEqualTo(model.state == 2 ? model.successes : 0);
      assertThat(breaker.probesInFlight()).as(ctx).isEqualTo(model.state == 2 ? model.inFlight : 0);
      assertThat(breaker.backoffLevel()).as(ctx)
          .isEqualTo(model.state == 1 || model.state == 2 ? model.level : 0);
      assertThat(BreakerWord.generation(breaker.rawWord())).as(ctx)
          .isEqualTo((int) (model.generation & 0xFFFF));
      if (permits.size() > 50) {
        permits.remove(0); // a lost permit: never reported
      }
    }
  }

  /**
   * The semantics, written as plainly as possible. States use the enum's ordinals: 0 CLOSED,
   * 1 OPEN, 2 HALF_OPEN, 3 FORCED_OPEN (indefinitely, or until {@code until} when
   * {@code timed}), 4 DISABLED, 5 METRICS_ONLY.
   */
  static final class Model {
    final CircuitBreakerConfig c;
    int state;
    long generation;
    int failures;
    int level;
    long deadline;
    int inFlight;
    int successes;
    long since;
    boolean timed;
    long until;
    /** HALF_OPEN: a caller found every slot taken at {@code since}, and no slot changed since. */
    boolean fullSeen;

    Model(CircuitBreakerConfig c) {
      this.c = c;
    }

    long acquire(long now) {
      switch (state) {
        case 0:
          return generation;
        case 1:
          if (now - deadline < 0) {
            return -1;
          }
          enter(2);
          inFlight = 1;
          fullSeen = c.halfOpenMaxCalls() == 1;
          since = now;
          return generation;
        case 2:
          if (inFlight < c.halfOpenMaxCalls()) {
            inFlight++;
            return generation;
          }
          if (!fullSeen) { // the first caller to find every slot taken stamps the time
            fullSeen = true;
            since = now;
          } else if (now - since >= c.openTimeout().toNanos()) {
            reopen(now); // every probe in flight is older than the timeout
          }
          return -1;
        case 3:
          if (!timed || now - until < 0) {
            return -1;
          }
          enter(2);
          level = 0;
          inFlight = 1;
          fullSeen = c.halfOpenMaxCalls() == 1;
          since = now;
          return generation;
        default:
          return generation; // DISABLED and METRICS_ONLY admit everything
      }
    }

    void success(long permit) {
      if (permit != generation) {
        return;
      }
      if (state == 0 || state == 5) {
        failures = 0;
      } else if (state == 2 && inFlight > 0) {
        inFlight--;
        fullSeen = false;
        if (++successes >= c.successThreshold()) {
          enter(0);
          level = 0;
        }
      }
    }

    void failure(long permit, long now) {
      if (permit != generation) {
        return;
      }
      if (state == 0) {
        if (++failures >= c.failureThreshold()) {
          enter(1);
          level = 0;
          deadline = now + c.openTimeout().toNanos();
        }
      } else if (state == 2 && inFlight > 0) {
        reopen(now);
      } else if (state == 5) {
        failures = Math.min(failures + 1, 65_535); // counts, never trips
      }
    }

    void ignored(long permit) {
      if (permit == generation && state == 2 && inFlight > 0) {
        inFlight--;
        fullSeen = false;
      }
    }

    void reset() {
      enter(0);
      level = 0;
    }

    void forceOpen() {
      if (state != 3 || timed) {
        enter(3);
        timed = false;
      }
    }

    void forceOpenFor(long nanos, long now) {
      enter(3);
      timed = true;
      until = now + nanos;
    }

    void hold(int held) {
      if (state != held) {
        enter(held);
      }
    }

    private void reopen(long now) {
      level = Math.min(level + 1, c.maxLevel);
      enter(1);
      deadline = now + c.openTimeout(level).toNanos();
    }

    private void enter(int next) {
      state = next;
      generation++;
      failures = 0;
      inFlight = 0;
      successes = 0;
      fullSeen = false;
    }

    @Override
    public String toString() {
      return "Model[state=" + state + ", gen=" + generation + ", failures=" + failures + ", level="
          + level + ", inFlight=" + inFlight + ", successes=" + successes + "]";
    }
  }
}
