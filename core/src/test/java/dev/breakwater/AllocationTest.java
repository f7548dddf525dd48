package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The manual API allocates nothing in CLOSED and OPEN. This counts bytes allocated by the test
 * thread (HotSpot's per-thread TLAB accounting): a deterministic count, not a timing, so it is
 * safe in a unit test. The JMH suite measures the same with {@code -prof gc}.
 */
class AllocationTest {
  static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Bytes the current thread allocates running {@code r}: the least of three runs after a
   * warm-up (class loading, the interpreter and a compilation finishing mid-run may allocate a
   * little once; a per-call allocation shows in every run).
   */
  static long allocatedBy(Runnable r) {
    long tid = Thread.currentThread().getId();
    r.run(); // warm up
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long before = THREADS.getThreadAllocatedBytes(tid);
      r.run();
      least = Math.min(least, THREADS.getThreadAllocatedBytes(tid) - before);
    }
    return least;
  }

  @Test
  void closedAdmissionAndOutcomesAllocateNothing() {
    CircuitBreaker b = CircuitBreaker.of("alloc", CircuitBreakerConfig.builder()
        .failureThreshold(1000).build());
    long bytes = allocatedBy(() -> closedTraffic(b));
    assertThat(bytes).isLessThan(1024); // not per call: in total, for 200,000 calls
  }

  /** 200,000 CLOSED calls through the manual API, one in eight failed (never enough to trip). */
  static void closedTraffic(CircuitBreaker b) {
    for (int i = 0; i < 200_000; i++) {
      long p = b.tryAcquire();
      if ((i & 7) == 0) {
        b.onFailure(p);
      } else {
        b.onSuccess(p);
      }
    }
  }

  @Test
  void openRejectionAllocatesNothing() {
    CircuitBreaker b = CircuitBreaker.ofDefaults("alloc");
    for (int i = 0; i < 5; i++) {
      b.onFailure(b.tryAcquire());
    }
    long bytes = allocatedBy(() -> {
      for (int i = 0; i < 200_000; i++) {
        if (b.tryAcquire() != CircuitBreaker.REJECTED) {
          throw new AssertionError();
        }
      }
    });
    assertThat(bytes).isLessThan(1024);
  }

  @Test
  void halfOpenProbesAllocateNothing() {
    FakeTicker ticker = new FakeTicker();
    CircuitBreaker b = CircuitBreaker.of("alloc", CircuitBreakerConfig.builder()
        .failureThreshold(1).successThreshold(1023).halfOpenMaxCalls(1).ticker(ticker).build());
    b.onFailure(b.tryAcquire());
    ticker.advanceNanos(61_000_000_000L);
    long bytes = allocatedBy(() -> {
      for (int i = 0; i < 1000; i++) {
        long p = b.tryAcquire();
        b.onIgnored(p); // keeps the probe slot cycling without ever closing
      }
    });
    assertThat(bytes).isLessThan(1024);
  }

  @Test
  void windowsAllocateNothingPerCall() {
    for (SlidingWindowType type : SlidingWindowType.values()) {
      CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.builder()
          .failureRateThreshold(50).minimumNumberOfCalls(100);
      if (type == SlidingWindowType.COUNT_BASED) {
        builder.slidingWindow(type, 100);
      } else {
        builder.slidingWindow(type, java.time.Duration.ofSeconds(100));
      }
      CircuitBreaker b = CircuitBreaker.of("alloc", builder.build());
      long bytes = allocatedBy(() -> {
        for (int i = 0; i < 100_000; i++) {
          long p = b.tryAcquire();
          if (i % 10 == 0) {
            b.onFailure(p);
          } else {
            b.onSuccess(p);
          }
        }
      });
      // a time bucket (32 bytes) is allocated when its 10 s slice begins, not per call
      assertThat(bytes).as("%s", type).isLessThan(1024);
    }
  }
}
