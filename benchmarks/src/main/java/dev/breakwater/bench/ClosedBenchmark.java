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
 * Cases 1-3: a CLOSED breaker, one thread.
 *
 * <ul>
 *   <li>{@link #callSuccess}: the high-level API ({@code call} / {@code executeSupplier} /
 *       {@code FailsafeExecutor.get}); the {@code none} row is the operation alone.
 *   <li>{@link #manualSuccess}: the manual permit API ({@code tryAcquire} + {@code onSuccess}
 *       and the peers' equivalents).
 *   <li>{@link #manualFailEveryN}: the manual API with a failure reported every
 *       {@value #FAIL_EVERY} calls, so the failure counters really move (never enough to trip).
 * </ul>
 *
 * <p>The breaker lives in a {@link Scope#Benchmark} state, so {@link ScalingBenchmark} runs the
 * same code with 2 and 4 threads on one shared breaker.
 *
 * <p>Run alone: {@code java -jar benchmarks/target/benchmarks.jar ClosedBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class ClosedBenchmark {

  /** One failure per this many calls in {@link #manualFailEveryN}. */
  public static final int FAIL_EVERY = 10;

  /** The shared CLOSED breaker and the operation it protects. */
  @State(Scope.Benchmark)
  public static class Closed {
    /** The implementation under test; see {@link Subject}. */
    @Param({"none", "breakwater", "resilience4j", "resilience4j-lockfree",
        "failsafe", "synchronized"})
    public String impl;

    Subject subject;
    final Operation op = new Operation(Integer.valueOf(42));

    /** Builds the breaker, CLOSED. */
    @Setup(Level.Trial)
    public void setUp() {
      subject = Subject.create(impl, Subject.Mode.CLOSED);
    }
  }

  /** Per-thread countdown to the next failure. */
  @State(Scope.Thread)
  public static class Cadence {
    int untilFailure = FAIL_EVERY;
  }

  /**
   * Case 1: success through the high-level API.
   *
   * @param s the breaker
   * @return the operation's result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  public Object callSuccess(Closed s) throws Exception {
    return s.subject.call(s.op);
  }

  /**
   * Case 2: success through the manual permit API.
   *
   * @param s the breaker
   * @param c admitted / rejected counts
   * @return the operation's result
   */
  @Benchmark
  public Object manualSuccess(Closed s, Counters c) {
    return manual(s, c);
  }

  /**
   * Case 3: the manual API with one failure every {@value #FAIL_EVERY} calls.
   *
   * @param s the breaker
   * @param t this thread's cadence
   * @param c admitted / rejected counts
   * @return the operation's result
   */
  @Benchmark
  public Object manualFailEveryN(Closed s, Cadence t, Counters c) {
    return failEveryN(s.subject, s.op, t, c);
  }

  /**
   * The manual path with one failure every {@value #FAIL_EVERY} calls, shared with
   * {@link WindowBenchmark}.
   */
  static Object failEveryN(Subject b, Operation op, Cadence t, Counters c) {
    long p = b.acquire();
    if (p < 0) {
      c.rejected++;
      return null;
    }
    c.admitted++;
    Object r = op.get();
    if (--t.untilFailure == 0) {
      t.untilFailure = FAIL_EVERY;
      b.failure(p);
    } else {
      b.success(p);
    }
    return r;
  }

  /** The manual success path, shared with {@link ScalingBenchmark}. */
  static Object manual(Closed s, Counters c) {
    Subject b = s.subject;
    long p = b.acquire();
    if (p < 0) {
      c.rejected++;
      return null;
    }
    c.admitted++;
    Object r = s.op.get();
    b.success(p);
    return r;
  }
}
