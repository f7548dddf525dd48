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
 * Issue 5: CLOSED breakers that trip on a failure rate ("50% of the last 100 calls" or "of the
 * last 10 seconds", at least 20 calls), with 1, 2 and 4 threads sharing one breaker.
 *
 * <ul>
 *   <li>{@code callSuccess*}: success through the high-level API ({@code call} /
 *       {@code executeSupplier} / {@code FailsafeExecutor.get}), which is where Resilience4j and
 *       Failsafe time each call; Breakwater reads the clock once per call with a time window
 *       (the bucket of the outcome) and not at all with a count window.
 *   <li>{@code manualFail10*}: the manual permit API with every 10th outcome a failure
 *       ({@link ClosedBenchmark#FAIL_EVERY}: 10%, far
 *       below the 50% that trips), so the window's failure counts really move.
 * </ul>
 *
 * <p>Each window keeps recording: a count window of 100 is full after 100 calls and every
 * further call evicts one; a time window rolls a bucket every second (10 buckets of 1 s), a few
 * times per measurement iteration. Counters prove that no call was rejected, i.e. nothing
 * tripped.
 *
 * <p>Run alone: {@code java -jar benchmarks/target/benchmarks.jar WindowBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 6, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class WindowBenchmark {

  /** The shared CLOSED breaker with a failure-rate window, and the operation it protects. */
  @State(Scope.Benchmark)
  public static class Windowed {
    /** The implementation under test; see {@link Subject}. */
    @Param({"none", "breakwater-count", "breakwater-time", "resilience4j-count",
        "resilience4j-time", "resilience4j-lockfree-count", "resilience4j-lockfree-time",
        "failsafe-count", "failsafe-time"})
    public String impl;

    Subject subject;
    final Operation op = new Operation(Integer.valueOf(42));

    /** Builds the breaker, CLOSED. */
    @Setup(Level.Trial)
    public void setUp() {
      subject = Subject.create(impl, Subject.Mode.CLOSED);
    }
  }

  /**
   * Success through the high-level API, 1 thread.
   *
   * @param s the breaker
   * @return the operation's result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  @Threads(1)
  public Object callSuccess(Windowed s) throws Exception {
    return s.subject.call(s.op);
  }

  /**
   * Success through the high-level API, 2 threads.
   *
   * @param s the breaker
   * @return the operation's result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  @Threads(2)
  public Object callSuccess_t2(Windowed s) throws Exception {
    return s.subject.call(s.op);
  }

  /**
   * Success through the high-level API, 4 threads (oversubscribed on 2 cores).
   *
   * @param s the breaker
   * @return the operation's result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  @Threads(4)
  public Object callSuccess_t4(Windowed s) throws Exception {
    return s.subject.call(s.op);
  }

  /**
   * 10% failures through the manual API, 1 thread.
   *
   * @param s the breaker
   * @param t this thread's cadence
   * @param c admitted / rejected counts
   * @return the operation's result
   */
  @Benchmark
  @Threads(1)
  public Object manualFail10(Windowed s, ClosedBenchmark.Cadence t, Counters c) {
    return ClosedBenchmark.failEveryN(s.subject, s.op, t, c);
  }

  /**
   * 10% failures through the manual API, 2 threads.
   *
   * @param s the breaker
   * @param t this thread's cadence
   * @param c admitted / rejected counts
   * @return the operation's result
   */
  @Benchmark
  @Threads(2)
  public Object manualFail10_t2(Windowed s, ClosedBenchmark.Cadence t, Counters c) {
    return ClosedBenchmark.failEveryN(s.subject, s.op, t, c);
  }

  /**
   * 10% failures through the manual API, 4 threads (oversubscribed on 2 cores).
   *
   * @param s the breaker
   * @param t this thread's cadence
   * @param c admitted / rejected counts
   * @return the operation's result
   */
  @Benchmark
  @Threads(4)
  public Object manualFail10_t4(Windowed s, ClosedBenchmark.Cadence t, Counters c) {
    return ClosedBenchmark.failEveryN(s.subject, s.op, t, c);
  }
}
