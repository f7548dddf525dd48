package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many threads, random outcomes, time moving underneath: every transition is announced exactly
 * once, announcements are consistent with a path through the state machine, and no counter ever
 * exceeds its threshold. The jcstress suite proves the individual races; this checks that they
 * compose.
 */
class ConcurrencyHammerTest {
  static final int THREADS = 8;
  static final int CALLS = 100_000;

  @Test
  void everyTransitionIsAnnouncedOnceAndCountsStayInBounds() throws Exception {
    FakeTicker ticker = new FakeTicker();
    CircuitBreakerConfig config = CircuitBreakerConfig.builder()
        .failureThreshold(4).successThreshold(3).halfOpenMaxCalls(2)
        .openTimeout(Duration.ofMillis(10)).openTimeoutBackoff(2, Duration.ofMillis(40))
        .ticker(ticker).build();
    CircuitBreaker b = CircuitBreaker.of("hammer", config);
    AtomicLongArray transitions = new AtomicLongArray(16); // [from * 4 + to]
    AtomicLong announcements = new AtomicLong();
    b.onStateChange((br, from, to) -> {
      transitions.incrementAndGet(from.ordinal() * 4 + to.ordinal());
      announcements.incrementAndGet();
    });
    AtomicReference<Throwable> problem = new AtomicReference<>();
    AtomicLong admitted = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      final long seed = t;
      Thread thread = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        try {
          start.await();
          for (int i = 0; i < CALLS; i++) {
            long p = b.tryAcquire();
            if (p == CircuitBreaker.REJECTED) {
              rejected.incrementAndGet();
              if (random.nextInt(8) == 0) {
                ticker.advance(Duration.ofMillis(3));
              }
            } else {
              admitted.incrementAndGet();
              int r = random.nextInt(100);
              if (r < 45) {
                b.onFailure(p);
              } else if (r < 95) {
                b.onSuccess(p);
              } else if (r < 98) {
                b.onIgnored(p);
              } // else: the permit is lost, never reported
            }
            if (b.failureCount() >= config.failureThreshold()
                || b.successCount() >= config.successThreshold()
                || b.probesInFlight() > config.halfOpenMaxCalls()) {
              throw new AssertionError("counter out of bounds: " + b);
            }
          }
        } catch (Throwable e) {
          problem.compareAndSet(null, e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(problem.get()).isNull();
    assertThat(admitted.get() + rejected.get()).isEqualTo((long) THREADS * CALLS);

    // exactly once: each transition bumped the generation by one and was announced once
    long generation = BreakerWord.generation(b.rawWord());
    assertThat(announcements.get() % 65536).isEqualTo(generation);
    assertThat(announcements.get()).isGreaterThan(100); // the run really cycled

    // a consistent path: each state entered as often as left (+1 for the current one; CLOSED
    // was entered once at creation)
    long[] in = new long[4];
    long[] out = new long[4];
    for (int from = 0; from < 4; from++) {
      for (int to = 0; to < 4; to++) {
        in[to] += transitions.get(from * 4 + to);
        out[from] += transitions.get(from * 4 + to);
      }
    }
    in[0]++;
    int current = b.state().ordinal();
    for (int s = 0; s < 4; s++) {
      assertThat(in[s] - out[s]).as("state %d", s).isEqualTo(s == current ? 1 : 0);
    }
    // only edges of the state machine were announced
    assertThat(transitions.get(0 * 4 + 2)).isZero(); // CLOSED -> HALF_OPEN
    assertThat(transitions.get(1 * 4 + 0)).isZero(); // OPEN -> CLOSED
    // OPEN announcements equal the transitions into OPEN from CLOSED and HALF_OPEN
    assertThat(transitions.get(0 * 4 + 1) + transitions.get(2 * 4 + 1))
        .isEqualTo(in[1]).isPositive();
  }
}
