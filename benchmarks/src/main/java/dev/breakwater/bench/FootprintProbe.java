package dev.breakwater.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.breakwater.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Case 9: what a breaker costs in memory, measured with JOL, for Breakwater and each peer.
 *
 * <ul>
 *   <li><b>graph</b>: every byte reachable from one breaker (its config, name, clock and
 *       everything else it references).
 *   <li><b>unshared</b>: what one more breaker costs when it is created the idiomatic way from the
 *       same config object and the same name string: the size of {@code graph(a) ∪ graph(b)} minus
 *       {@code graph(b)}, for two breakers {@code a}, {@code b} built alike. Everything the
 *       library shares between breakers (config, singletons, the name) drops out; everything it
 *       allocates per breaker (state objects, windows, per-breaker copies of a config) stays.
 *   <li><b>registry of 100,000</b>: heap used (after full GCs, from the memory MX bean) by a
 *       {@link ConcurrentHashMap} from 100,000 distinct names to 100,000 breakers, minus the same
 *       map holding one shared dummy value: the breakers' share of a realistic registry.
 * </ul>
 *
 * <p>Usage: {@code java -Xmx3g -cp benchmarks.jar dev.breakwater.bench.FootprintProbe
 * [out.json [impl ...]]} (default {@code results/footprint.json}, every implementation). The
 * Resilience4j LOCK_FREE registry alone takes about 1.3 GB.
 */
public final class FootprintProbe {

  static final int REGISTRY_SIZE = 100_000;

  private FootprintProbe() {}

  /**
   * Measures every implementation and writes the JSON.
   *
   * @param args optional output path
   * @throws IOException if the file cannot be written
   * @throws InterruptedException if interrupted between GCs
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    // lambdas are hidden classes, whose field offsets Unsafe refuses: let JOL find them itself
    System.setProperty("jol.magicFieldOffset", "true");
    File out = new File(args.length > 0 ? args[0] : "results/footprint.json");
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("jdk", System.getProperty("java.version"));
    root.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    root.put("jolDetails", VM.current().details());
    root.put("registrySize", REGISTRY_SIZE);
    ArrayNode rows = root.putArray("breakers");
    java.util.Set<String> only = new java.util.HashSet<>(
        java.util.Arrays.asList(args).subList(Math.min(1, args.length), args.length));
    for (Map.Entry<String, Function<String, Object>> e : factories().entrySet()) {
      if (only.isEmpty() || only.contains(e.getKey())) {
        rows.add(measure(json, e.getKey(), e.getValue()));
      }
    }
    if (only.isEmpty() || only.contains("registries")) {
      ArrayNode registries = root.putArray("registries");
      for (String impl : new String[] {"breakwater", "breakwater-stats", "resilience4j"}) {
        registries.add(measureRegistry(json, impl));
      }
    }
    File dir = out.getAbsoluteFile().getParentFile();
    if (dir != null && !dir.isDirectory() && !dir.mkdirs()) {
      throw new IOException("cannot create " + dir);
    }
    json.writeValue(out, root);
    System.out.println("wrote " + out);
  }

  /** One factory per implementation; each closes over the config its breakers share. */
  static Map<String, Function<String, Object>> factories() {
    Map<String, Function<String, Object>> f = new LinkedHashMap<>();
    CircuitBreakerConfig bw = CircuitBreakerConfig.defaults();
    f.put("breakwater", name -> dev.breakwater.CircuitBreaker.of(name, bw));
    CircuitBreakerConfig bwStats = CircuitBreakerConfig.builder().recordStats().build();
    f.put("breakwater-stats", name -> dev.breakwater.CircuitBreaker.of(name, bwStats));
    io.github.resilience4j.circuitbreaker.CircuitBreakerConfig r4j =
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.ofDefaults();
    f.put("resilience4j", name -> io.github.resilience4j.circuitbreaker.CircuitBreaker.of(name, r4j));
    io.github.resilience4j.circuitbreaker.CircuitBreakerConfig r4jLockFree =
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
            .slidingWindowSynchronizationStrategy(SlidingWindowSynchronizationStrategy.LOCK_FREE)
            .build();
    f.put("resilience4j-lockfree",
        name -> io.github.resilience4j.circuitbreaker.CircuitBreaker.of(name, r4jLockFree));
    // Failsafe breakers have no name; builder(config) copies the config into each breaker.
    dev.failsafe.CircuitBreakerConfig<Object> fs = dev.failsafe.CircuitBreaker.builder()
        .withFailureThreshold(Subject.FAILURE_THRESHOLD).withDelay(Duration.ofSeconds(60))
        .build().getConfig();
    f.put("failsafe", name -> dev.failsafe.CircuitBreaker.builder(fs).build());
    long timeout = Duration.ofSeconds(60).toNanos();
    f.put("synchronized",
        name -> new SynchronizedCircuitBreaker(5, 2, 3, timeout, System::nanoTime));

    // Failure-rate windows, measured after use (see populate): 50% of 100 calls or 10 s.
    CircuitBreakerConfig bwCount = Subject.windowConfig(false);
    f.put("breakwater-count", name -> populate(dev.breakwater.CircuitBreaker.of(name, bwCount)));
    // a shared manual clock, so that every one of the 10 buckets holds calls
    CircuitBreakerConfig bwTime = Subject.windowConfig(true).toBuilder()
        .ticker(WINDOW_CLOCK::get).build();
    f.put("breakwater-time", name -> populate(dev.breakwater.CircuitBreaker.of(name, bwTime)));
    for (boolean time : new boolean[] {false, true}) {
      String kind = time ? "-time" : "-count";
      io.github.resilience4j.circuitbreaker.CircuitBreakerConfig sync =
          Subject.resilience4jWindowConfig(time, SlidingWindowSynchronizationStrategy.SYNCHRONIZED);
      f.put("resilience4j" + kind, name -> populate(
          io.github.resilience4j.circuitbreaker.CircuitBreaker.of(name, sync)));
      io.github.resilience4j.circuitbreaker.CircuitBreakerConfig lockFree =
          Subject.resilience4jWindowConfig(time, SlidingWindowSynchronizationStrategy.LOCK_FREE);
      f.put("resilience4j-lockfree" + kind, name -> populate(
          io.github.resilience4j.circuitbreaker.CircuitBreaker.of(name, lockFree)));
      dev.failsafe.CircuitBreakerConfig<Object> fsWindow =
          Subject.failsafeWindowBuilder(time).build().getConfig();
      f.put("failsafe" + kind, name -> populate(dev.failsafe.CircuitBreaker.builder(fsWindow).build()));
    }
    return f;
  }

  /** The manual clock of {@code breakwater-time}'s breakers. */
  static final java.util.concurrent.atomic.AtomicLong WINDOW_CLOCK =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Records {@value Subject#WINDOW_CALLS} outcomes (10% failures, so nothing trips), so a window
   * that allocates as it fills is measured full. Breakwater's time window gets 10 calls in each
   * of its 10 buckets (the clock moves one bucket between them): every bucket object exists. The
   * peers' time windows see real time (100 calls within one second); Resilience4j's
   * SYNCHRONIZED time window allocates all its buckets up front anyway.
   */
  static Object populate(Object breaker) {
    for (int i = 0; i < Subject.WINDOW_CALLS; i++) {
      boolean fail = i % 10 == 9;
      if (breaker instanceof dev.breakwater.CircuitBreaker) {
        dev.breakwater.CircuitBreaker b = (dev.breakwater.CircuitBreaker) breaker;
        if (fail) {
          b.onFailure(b.tryAcquire());
          WINDOW_CLOCK.addAndGet(Subject.WINDOW_TIME.toNanos() / 10);
        } else {
          b.onSuccess(b.tryAcquire());
        }
      } else if (breaker instanceof io.github.resilience4j.circuitbreaker.CircuitBreaker) {
        io.github.resilience4j.circuitbreaker.CircuitBreaker b =
            (io.github.resilience4j.circuitbreaker.CircuitBreaker) breaker;
        b.acquirePermission();
        if (fail) {
          b.onError(0, java.util.concurrent.TimeUnit.NANOSECONDS, Subject.FAILURE);
        } else {
          b.onSuccess(0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
      } else {
        @SuppressWarnings("unchecked")
        dev.failsafe.CircuitBreaker<Object> b = (dev.failsafe.CircuitBreaker<Object>) breaker;
        b.acquirePermit();
        if (fail) {
          b.recordFailure();
        } else {
          b.recordSuccess();
        }
      }
    }
    return breaker;
  }

  static ObjectNode measure(ObjectMapper json, String impl, Function<String, Object> factory)
      throws InterruptedException {
    String name = "payments-service";
    Object a = factory.apply(name);
    Object b = factory.apply(name);
    GraphLayout graphA = GraphLayout.parseInstance(a);
    GraphLayout graphB = GraphLayout.parseInstance(b);
    GraphLayout both = GraphLayout.parseInstance(a, b);
    ObjectNode row = json.createObjectNode();
    row.put("impl", impl);
    row.put("class", a.getClass().getName());
    row.put("graphBytes", graphA.totalSize());
    row.put("graphObjects", graphA.totalCount());
    row.put("unsharedBytes", both.totalSize() - graphB.totalSize());
    row.put("unsharedObjects", both.totalCount() - graphB.totalCount());
    row.put("shallowBytes", VM.current().sizeOf(a));

    String[] names = new String[REGISTRY_SIZE];
    for (int i = 0; i < names.length; i++) {
      names[i] = "breaker-" + i;
    }
    Object dummy = new Object();
    long mapOnly = heapOf(() -> registry(names, n -> dummy));
    long withBreakers = heapOf(() -> registry(names, factory));
    keep(names);
    row.put("registryHeapBytes", withBreakers);
    row.put("registryMapOnlyHeapBytes", mapOnly);
    row.put("registryBytesPerBreaker", (double) (withBreakers - mapOnly) / REGISTRY_SIZE);
    System.out.printf("%-22s graph %6d B  unshared %6d B  registry %,12d B (%.1f B/breaker)%n",
        impl, graphA.totalSize(), both.totalSize() - graphB.totalSize(), withBreakers,
        (double) (withBreakers - mapOnly) / REGISTRY_SIZE);
    return row;
  }

  /** Breakers in the whole-registry measurement. */
  static final int BIG_REGISTRY = 1_000_000;
  /** Breakers in the JOL per-entry measurement. */
  static final int JOL_REGISTRY = 10_000;

  /** A registry of {@code names.length} breakers of {@code impl}, built the library's way. */
  static Object filledRegistry(String impl, String[] names) {
    switch (impl) {
      case "breakwater":
      case "breakwater-stats": {
        CircuitBreakerConfig config = impl.equals("breakwater") ? CircuitBreakerConfig.defaults()
            : CircuitBreakerConfig.builder().recordStats().build();
        dev.breakwater.CircuitBreakerRegistry r =
            dev.breakwater.CircuitBreakerRegistry.builder().defaultConfig(config).build();
        for (String n : names) {
          r.breaker(n);
        }
        return r;
      }
      case "resilience4j": {
        io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry r =
            io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
        for (String n : names) {
          r.circuitBreaker(n);
        }
        return r;
      }
      default:
        throw new IllegalArgumentException(impl);
    }
  }

  /**
   * A registry two ways: JOL's marginal bytes per registered breaker (the registry's graph with
   * {@value #JOL_REGISTRY} breakers, minus the empty registry's and the names', per breaker: the
   * breaker, its map entry and the table slot), and the heap a registry of
   * {@value #BIG_REGISTRY} breakers takes as a whole (the names excluded: they exist before).
   */
  static ObjectNode measureRegistry(ObjectMapper json, String impl) throws InterruptedException {
    String[] few = names(JOL_REGISTRY, "dependency-");
    Object empty = filledRegistry(impl, new String[0]);
    Object filled = filledRegistry(impl, few);
    long namesBytes = GraphLayout.parseInstance((Object[]) few).totalSize()
        - VM.current().sizeOf(few);
    long marginal = GraphLayout.parseInstance(filled).totalSize()
        - GraphLayout.parseInstance(empty).totalSize() - namesBytes;
    keep(filled);
    ObjectNode row = json.createObjectNode();
    row.put("impl", impl);
    row.put("jolBreakers", JOL_REGISTRY);
    row.put("jolBytesPerBreaker", (double) marginal / JOL_REGISTRY);
    String[] many = names(BIG_REGISTRY, "endpoint-");
    long emptyHeap = heapOf(() -> filledRegistry(impl, new String[0]));
    long fullHeap = heapOf(() -> filledRegistry(impl, many));
    keep(many);
    row.put("registryBreakers", BIG_REGISTRY);
    row.put("registryHeapBytes", fullHeap - emptyHeap);
    row.put("registryBytesPerBreaker", (double) (fullHeap - emptyHeap) / BIG_REGISTRY);
    System.out.printf("registry %-18s JOL %.1f B/breaker; %,d breakers: %,d B (%.1f B/breaker)%n",
        impl, (double) marginal / JOL_REGISTRY, BIG_REGISTRY, fullHeap - emptyHeap,
        (double) (fullHeap - emptyHeap) / BIG_REGISTRY);
    return row;
  }

  private static String[] names(int n, String prefix) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = prefix + i;
    }
    return names;
  }

  private static volatile Object sink;
  private static Object held;

  /** Heap taken by what {@code build} returns, measured while it is held, then released. */
  static long heapOf(java.util.function.Supplier<Object> build) throws InterruptedException {
    long base = usedHeap();
    held = build.get();
    long used = usedHeap() - base;
    held = null;
    return used;
  }

  static Map<String, Object> registry(String[] names, Function<String, Object> factory) {
    Map<String, Object> map = new ConcurrentHashMap<>();
    for (String n : names) {
      map.put(n, factory.apply(n));
    }
    return map;
  }

  private static void keep(Object o) {
    sink = o; // keeps o reachable up to here
    sink = null;
  }

  /** Heap in use after the collector has settled. */
  static long usedHeap() throws InterruptedException {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(20);
      long used = mx.getHeapMemoryUsage().getUsed();
      if (i > 0 && Math.abs(last - used) < 4096) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
