package dev.breakwater.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Case 6: the floors every other figure is read against: what the hardware and JVM charge for
 * the primitives a breaker is built from.
 *
 * <ul>
 *   <li>{@link #volatileRead}: one volatile load of a thread-private field.
 *   <li>{@link #casUncontended}: read + compare-and-set on a thread-private field.
 *   <li>{@link #casContended}: the same on one field shared by 2 threads (a cache line
 *       bouncing between two cores): what a write on every call would cost a shared breaker.
 *   <li>{@link #nanoTime}: {@code System.nanoTime()}, which an OPEN rejection must read.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class FloorBenchmark {

  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(Cell.class, "value", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A volatile long per thread. */
  @State(Scope.Thread)
  public static class Cell {
    volatile long value;
  }

  /** A volatile long shared by all threads. */
  @State(Scope.Benchmark)
  public static class SharedCell extends Cell {}

  /**
   * A volatile read.
   *
   * @param c the cell
   * @return its value
   */
  @Benchmark
  public long volatileRead(Cell c) {
    return c.value;
  }

  /**
   * An uncontended CAS.
   *
   * @param c the cell
   * @return whether it succeeded (always)
   */
  @Benchmark
  public boolean casUncontended(Cell c) {
    long v = c.value;
    return VALUE.compareAndSet(c, v, v + 1);
  }

  /**
   * A CAS on a field two threads hammer.
   *
   * @param c the shared cell
   * @return whether it succeeded
   */
  @Benchmark
  @Threads(2)
  public boolean casContended(SharedCell c) {
    long v = c.value;
    return VALUE.compareAndSet(c, v, v + 1);
  }

  /**
   * {@code System.nanoTime()}.
   *
   * @return the time
   */
  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }
}
