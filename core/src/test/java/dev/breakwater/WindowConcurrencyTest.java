package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Concurrent recording into windows: once quiescent, the totals equal exactly what the window
 * holds (nothing lost, nothing counted twice), and a threshold crossing opens exactly once.
 */
class WindowConcurrencyTest {

  static void hammer(int threads, int calls, Runnable[] bodies) throws Exception {
    AtomicReference<Throwable> problem = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> list = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Runnable body = bodies[t];
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < calls; i++) {
            body.run();
          }
        } catch (Throwable e) {
          problem.compareAndSet(null, e);
        }
      });
      list.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : list) {
      thread.join();
    }
    assertThat(problem.get()).isNull();
  }

  @Test
  void countWindowTotalsEqualItsSlotsWhenQuiescent() throws Exception {
    CircuitBreaker b = CircuitBreaker.of("w", CircuitBreakerConfig.builder()
        .slidingWindow(SlidingWindowType.COUNT_BASED, 64).minimumNumberOfCalls(64)
        .failureRateThreshold(100).slowCallDurationThreshold(Duration.ofNanos(50))
        .slowCallRateThreshold(100).build());
    Runnable[] bodies = new Runnable[4];
    for (int t = 0; t < bodies.length; t++) {
      SplittableRandom random = new SplittableRandom(t);
      bodies[t] = () -> {
        long p = b.tryAcquire();
        long duration = random.nextInt(100);
        if (random.nextInt(10) < 3) {
          b.onFailure(p, duration);
        } else {
          b.onSuccess(p, duration);
        }
      };
    }
    hammer(4, 50_000, bodies);
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    CountWindow.Period period = ((CountWindow) b.slidingWindow()).latest();
    int calls = 0;
    int failed = 0;
    int slow = 0;
    for (byte o : period.outcomes) {
      calls += o & WindowTotals.PRESENT;
      failed += (o & WindowTotals.FAILED) != 0 ? 1 : 0;
      slow += (o & WindowTotals.SLOW) != 0 ? 1 : 0;
    }
    long totals = period.totals();
    assertThat(WindowTotals.calls(totals)).isEqualTo(calls).isEqualTo(64);
    assertThat(WindowTotals.failed(totals)).isEqualTo(failed);
    assertThat(WindowTotals.slow(totals)).isEqualTo(slow);
  }

  @Test
  void aThresholdCrossingOpensExactlyOnce() throws Exception {
    for (SlidingWindowType type : SlidingWindowType.values()) {
      for (int round = 0; round < 20; round++) {
        CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.builder()
            .minimumNumberOfCalls(50).failureRateThreshold(50);
        if (type == SlidingWindowType.COUNT_BASED) {
          builder.slidingWindow(type, 100);
        } else {
          builder.slidingWindow(type, Duration.ofSeconds(10));
        }
        CircuitBreaker b = CircuitBreaker.of("w", builder.build());
        AtomicInteger opened = new AtomicInteger();
        b.onStateChange((br, from, to) -> {
          if (to == CircuitBreaker.State.OPEN) {
            opened.incrementAndGet();
          }
        });
        Runnable fail = () -> {
          long p = b.tryAcquire();
          if (p != CircuitBreaker.REJECTED) {
            b.onFailure(p);
          }
        };
        hammer(4, 100, new Runnable[] {fail, fail, fail, fail});
        assertThat(opened).as("%s round %d", type, round).hasValue(1);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
      }
    }
  }
}
