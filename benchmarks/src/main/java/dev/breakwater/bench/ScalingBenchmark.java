package dev.breakwater.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Case 7: cases 1, 2 and 4a with 2 and 4 threads sharing one breaker (the 1-thread figures are
 * {@link ClosedBenchmark} and {@link OpenBenchmark}, which run the same code on the same kind of
 * shared state). JMH reports the average time per operation per thread; total throughput is
 * threads / that time. On a 2-core machine the 4-thread runs are oversubscribed: each thread gets
 * about half a core, so its time per operation roughly doubles even when nothing is shared.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ScalingBenchmark {

  /**
   * Case 1 with 2 threads.
   *
   * @param s the shared breaker
   * @return the result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  @Threads(2)
  public Object closedCall_t2(ClosedBenchmark.Closed s) throws Exception {
    return s.subject.call(s.op);
  }

  /**
   * Case 1 with 4 threads (oversubscribed on 2 cores).
   *
   * @param s the shared breaker
   * @return the result
   * @throws Exception never in CLOSED
   */
  @Benchmark
  @Threads(4)
  public Object closedCall_t4(ClosedBenchmark.Closed s) throws Exception {
    return s.subject.call(s.op);
  }

  /**
   * Case 2 with 2 threads.
   *
   * @param s the shared breaker
   * @param c admitted / rejected counts
   * @return the result
   */
  @Benchmark
  @Threads(2)
  public Object closedManual_t2(ClosedBenchmark.Closed s, Counters c) {
    return ClosedBenchmark.manual(s, c);
  }

  /**
   * Case 2 with 4 threads (oversubscribed on 2 cores).
   *
   * @param s the shared breaker
   * @param c admitted / rejected counts
   * @return the result
   */
  @Benchmark
  @Threads(4)
  public Object closedManual_t4(ClosedBenchmark.Closed s, Counters c) {
    return ClosedBenchmark.manual(s, c);
  }

  /**
   * Case 4a with 2 threads.
   *
   * @param s the shared breaker
   * @param c admitted / rejected counts
   * @return the answer
   */
  @Benchmark
  @Threads(2)
  public long openReject_t2(OpenBenchmark.Open s, Counters c) {
    return OpenBenchmark.reject(s.subject, c);
  }

  /**
   * Case 4a with 4 threads (oversubscribed on 2 cores).
   *
   * @param s the shared breaker
   * @param c admitted / rejected counts
   * @return the answer
   */
  @Benchmark
  @Threads(4)
  public long openReject_t4(OpenBenchmark.Open s, Counters c) {
    return OpenBenchmark.reject(s.subject, c);
  }
}
