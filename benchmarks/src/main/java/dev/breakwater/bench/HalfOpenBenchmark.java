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
 * Case 5: HALF_OPEN, one thread.
 *
 * <ul>
 *   <li>{@link #probe}: a probe admitted and its success reported, in a steady state. Each
 *       breaker is configured so that a HALF_OPEN period survives {@value Subject#PROBE_PERIOD}
 *       successful probes without closing (success threshold 1023, one probe in flight), and every
 *       {@value Subject#PROBE_PERIOD} operations {@link Subject#rearm()} starts a fresh period:
 *       Breakwater fails one probe (HALF_OPEN to OPEN) and moves its ticker past the open timeout
 *       so the next call re-enters HALF_OPEN as a probe; the peers use their administrative
 *       transitions (OPEN, then HALF_OPEN). The re-arm is inside the measured method, so its cost
 *       (and allocation) is amortised over the period.
 *   <li>{@link #rejectBeyondMax}: one probe slot, taken and never released: every call is
 *       rejected. Breakwater reads its clock on this path (the hung-probe check); its ticker here
 *       is {@code System.nanoTime()} plus an offset, so the read costs what a real one does.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class HalfOpenBenchmark {

  /** A HALF_OPEN breaker with free probe slots, re-armed by the benchmark. */
  @State(Scope.Thread)
  public static class Probing {
    /** The implementation under test; see {@link Subject}. */
    @Param({"breakwater", "resilience4j", "failsafe", "synchronized"})
    public String impl;

    Subject subject;
    int untilRearm;

    /** Builds the breaker in HALF_OPEN. */
    @Setup(Level.Trial)
    public void setUp() {
      subject = Subject.create(impl, Subject.Mode.HALF_OPEN_PROBE);
      untilRearm = Subject.PROBE_PERIOD;
    }
  }

  /** A HALF_OPEN breaker whose only probe slot is taken. */
  @State(Scope.Benchmark)
  public static class Full {
    /** The implementation under test; see {@link Subject}. */
    @Param({"breakwater", "resilience4j", "failsafe", "synchronized"})
    public String impl;

    Subject subject;

    /** Builds the breaker in HALF_OPEN and takes its probe slot. */
    @Setup(Level.Trial)
    public void setUp() {
      subject = Subject.create(impl, Subject.Mode.HALF_OPEN_FULL);
    }
  }

  /**
   * Case 5a: probe admitted and success reported.
   *
   * @param s the breaker
   * @param c admitted / rejected counts
   * @return the permit
   */
  @Benchmark
  public long probe(Probing s, Counters c) {
    Subject b = s.subject;
    if (--s.untilRearm == 0) {
      s.untilRearm = Subject.PROBE_PERIOD;
      b.rearm();
    }
    long p = b.acquire();
    if (p >= 0) {
      c.admitted++;
      b.success(p);
    } else {
      c.rejected++;
    }
    return p;
  }

  /**
   * Case 5b: a caller beyond {@code halfOpenMaxCalls} is rejected.
   *
   * @param s the breaker
   * @param c admitted / rejected counts
   * @return the answer
   */
  @Benchmark
  public long rejectBeyondMax(Full s, Counters c) {
    return OpenBenchmark.reject(s.subject, c);
  }
}
