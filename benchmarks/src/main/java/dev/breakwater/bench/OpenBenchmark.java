package dev.breakwater.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Case 4: an OPEN breaker (an hour before it would admit a probe), one thread.
 *
 * <ul>
 *   <li>{@link #manualReject}: {@code tryAcquire} answers "rejected" (peers:
 *       {@code tryAcquirePermission} / {@code tryAcquirePermit}).
 *   <li>{@link #callReject}: the high-level API throws its rejection exception and the caller
 *       catches it. {@code resilience4j} builds it with a stack trace (its default),
 *       {@code resilience4j-nostack} without ({@code writableStackTraceEnabled(false)}); Failsafe's
 *       {@code CircuitBreakerOpenException} and the textbook breaker's exception carry one (no
 *       option); Breakwater's never does.
 * </ul>
 * The counters must show {@code admitted == 0}: the checker verifies it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class OpenBenchmark {

  /** The shared OPEN breaker. */
  @State(Scope.Benchmark)
  public static class Open {
    /** The implementation under test; see {@link Subject}. */
    @Param({"breakwater", "resilience4j", "failsafe", "synchronized"})
    public String impl;

    Subject subject;
    final Operation op = new Operation(Integer.valueOf(42));

    /** Builds the breaker and opens it. */
    @Setup(Level.Trial)
    public void setUp() {
      subject = Subject.create(impl, Subject.Mode.OPEN);
    }
  }

  /**
   * The OPEN breaker for the high-level case, which adds Resilience4j without stack traces (the
   * option changes nothing on the manual path).
   */
  @State(Scope.Benchmark)
  public static class OpenCall {
    /** The implementation under test; see {@link Subject}. */
    @Param({"breakwater", "resilience4j", "resilience4j-nostack", "failsafe", "synchronized"})
    public String impl;

    Subject subject;
    final Operation op = new Operation(Integer.valueOf(42));

    /** Builds the breaker and opens it. */
    @Setup(Level.Trial)
    public void setUp() {
      subject = Subject.create(impl, Subject.Mode.OPEN);
    }
  }

  /**
   * Case 4a: rejection through the manual API.
   *
   * @param s the breaker
   * @param c admitted / rejected counts
   * @return the answer
   */
  @Benchmark
  public long manualReject(Open s, Counters c) {
    return reject(s.subject, c);
  }

  /**
   * Case 4b: rejection through the high-level API, exception caught.
   *
   * @param s the breaker
   * @param c admitted / rejected counts
   * @return the exception (or, if admitted, the result)
   */
  @Benchmark
  public Object callReject(OpenCall s, Counters c) {
    try {
      Object r = s.subject.call(s.op);
      c.admitted++;
      return r;
    } catch (Exception e) {
      c.rejected++;
      return e;
    }
  }

  /** A manual acquire that is expected to be rejected; shared with the other classes. */
  static long reject(Subject b, Counters c) {
    long p = b.acquire();
    if (p < 0) {
      c.rejected++;
    } else {
      c.admitted++;
      b.success(p);
    }
    return p;
  }
}
