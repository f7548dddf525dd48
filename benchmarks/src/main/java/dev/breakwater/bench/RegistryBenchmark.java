package dev.breakwater.bench;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerRegistry;
import java.util.concurrent.ConcurrentHashMap;
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
 * Case 13 (issue 11): looking up an existing breaker by name, 1 and 2 threads, in a registry of
 * 10,000 breakers: Breakwater's {@code registry.breaker(name)}, Resilience4j's
 * {@code registry.circuitBreaker(name)}, and the floor, a {@link ConcurrentHashMap#get} of the
 * same key in a map of the same size. Target: Breakwater at most the floor + 3 ns, 0 B/op, and 2
 * threads at most 1.5x of 1 thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class RegistryBenchmark {

  /** Registries of 10,000 breakers each. */
  @State(Scope.Benchmark)
  public static class Registries {
    /** {@code map}: ConcurrentHashMap.get; {@code breakwater}; {@code resilience4j}. */
    @Param({"map", "breakwater", "resilience4j"})
    public String impl;

    static final int SIZE = 10_000;
    final String[] names = new String[SIZE];
    ConcurrentHashMap<String, Object> map;
    CircuitBreakerRegistry breakwater;
    io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry resilience4j;

    /** Fills the registry under test. */
    @Setup(Level.Trial)
    public void setUp() {
      for (int i = 0; i < SIZE; i++) {
        names[i] = "dependency-" + i;
      }
      switch (impl) {
        case "map":
          map = new ConcurrentHashMap<>();
          for (String n : names) {
            map.put(n, CircuitBreaker.ofDefaults(n));
          }
          break;
        case "breakwater":
          breakwater = CircuitBreakerRegistry.ofDefaults();
          for (String n : names) {
            breakwater.breaker(n);
          }
          break;
        case "resilience4j":
          resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
          for (String n : names) {
            resilience4j.circuitBreaker(n);
          }
          break;
        default:
          throw new IllegalArgumentException("impl: " + impl);
      }
    }
  }

  /** Each thread looks up its own fixed name (a hot key, as a call site does). */
  @State(Scope.Thread)
  public static class Key {
    String name;

    /**
     * Picks a name.
     *
     * @param r the registries
     */
    @Setup(Level.Trial)
    public void setUp(Registries r) {
      name = r.names[(int) (Thread.currentThread().getId() * 7919 % Registries.SIZE)];
    }
  }

  /**
   * The lookup of an existing name.
   *
   * @param r the registry
   * @param k this thread's name
   * @return the breaker
   */
  @Benchmark
  public Object hit(Registries r, Key k) {
    return lookup(r, k);
  }

  /**
   * The same, 2 threads on one registry.
   *
   * @param r the registry
   * @param k this thread's name
   * @return the breaker
   */
  @Benchmark
  @Threads(2)
  public Object hit2(Registries r, Key k) {
    return lookup(r, k);
  }

  private static Object lookup(Registries r, Key k) {
    switch (r.impl) {
      case "map":
        return r.map.get(k.name);
      case "breakwater":
        return r.breakwater.breaker(k.name);
      default:
        return r.resilience4j.circuitBreaker(k.name);
    }
  }
}
